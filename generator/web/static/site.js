// Progressive enhancement only: every page works without this script.
// - a "复制" button beside each submission link;
// - a busy label on an upload form's button while the server checks the file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll("input[data-copy]").forEach(function (box) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "复制";
    button.addEventListener("click", function () {
      box.select();
      var done = function () { button.textContent = "已复制"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
    box.insertAdjacentElement("afterend", button);
  });
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        window.setTimeout(function () { button.disabled = true; button.textContent = form.getAttribute("data-busy"); }, 0);
      }
    });
  });
})();
