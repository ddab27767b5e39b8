// Suggestions for the category and place fields, from the API, in the page's language.
// Without JavaScript the fields still work: the server resolves whatever was typed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-lang]");
  if (!form) { return; }
  var lang = form.getAttribute("data-lang");
  var units = {};

  function suggest(input) {
    var kind = input.getAttribute("data-suggest");
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { return; }
      timer = setTimeout(function () {
        var url = "/api/v1/" + kind + "?limit=8&lang=" + encodeURIComponent(lang) +
          "&q=" + encodeURIComponent(query);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) {
            list.replaceChildren();
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.label || item.name;
              list.appendChild(option);
              if (item.unit) { units[option.value] = item.unit; }
            });
          })
          .catch(function () { /* suggestions are a convenience only */ });
      }, 150);
    });
    var target = document.getElementById(input.getAttribute("data-unit-target") || "");
    if (target) {
      input.addEventListener("change", function () {
        var unit = units[input.value];
        if (unit && !target.value) { target.value = unit; }
      });
    }
  }

  form.querySelectorAll("input[data-suggest]").forEach(suggest);
}());
