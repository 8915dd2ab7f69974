"""The web server (`nianbao serve`): the clerk's check page, the county's collection pages, a JSON API."""
