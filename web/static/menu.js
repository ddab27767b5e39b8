// The header's menu button on narrow screens: the links fold away behind it. Without this
// script (or on wide screens) every link simply shows.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var header = document.querySelector(".site-header");
  if (!button || !header) { return; }
  header.classList.add("has-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      button.setAttribute("aria-expanded", "false");
      header.classList.remove("menu-open");
      button.focus();
    }
  });
}());
