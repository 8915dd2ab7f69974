"""From a checked Report to the published report: the template context, rendering, templates and their lint, PDF."""
