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

  // A category chosen from the title and description while the category field is empty
  // (or still holds what was chosen this way); the poster can always change it.
  var category = form.querySelector("input[data-suggest=categories]");
  var title = form.querySelector("#title");
  var description = form.querySelector("#description");
  var note = document.getElementById("category-suggestion");
  if (!category || !title || !note) { return; }
  var auto = false;
  category.addEventListener("input", function () { auto = false; note.textContent = ""; });

  function detailsOf(item) {
    var words = [];
    (item.attributes || []).forEach(function (attribute) {
      var read = (item.read || {})[attribute.id] || [];
      if (!read.length) { return; }
      var labels = attribute.values.filter(function (v) { return read.indexOf(v.id) >= 0; })
        .map(function (v) { return v.label; });
      words.push(attribute.label + ": " + labels.join(", "));
    });
    return words.join(" · ");
  }

  function suggestCategory() {
    if (category.value.trim() && !auto) { return; }
    var text = title.value.trim() + "\n" + (description ? description.value.trim() : "");
    if (title.value.trim().length < 3) { return; }
    var url = "/api/v1/categories/suggest?lang=" + encodeURIComponent(lang) +
      "&text=" + encodeURIComponent(text.slice(0, 4000));
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.chosen) { return; }
        var item = answer.items.filter(function (i) { return i.id === answer.chosen; })[0];
        if (!item) { return; }
        category.value = item.label;
        auto = true;
        var message = category.getAttribute("data-suggested").replace("%(label)s", item.label);
        var details = detailsOf(item);
        if (details) {
          message += " " + category.getAttribute("data-read").replace("%(details)s", details);
        }
        note.textContent = message;
      })
      .catch(function () { /* a suggestion is a convenience only */ });
  }

  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(suggestCategory, 400); }
  title.addEventListener("input", later);
  if (description) { description.addEventListener("input", later); }
}());
