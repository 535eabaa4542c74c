// The admin's own behaviour, served as a file so that the Content-Security-Policy needs no inline
// script (admin/security_headers.py). Loaded after sqladmin's main.js, whose handlers ours follow.
(function () {
  "use strict";
  var meta = function (name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.content : "";
  };
  var token = meta("csrf-token");
  var fieldName = meta("csrf-field");

  // sqladmin deletes with jQuery DELETE calls: send the token as a header.
  $.ajaxPrefilter(function (options, original, xhr) {
    if (!/^(GET|HEAD|OPTIONS|TRACE)$/i.test(options.type || "GET")) {
      xhr.setRequestHeader("X-CSRF-Token", token);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A form that says what it will do asks first (data-confirm: the customer, the amount …).
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    // Any POST form rendered without the field (a future template) still carries it.
    if ((form.method || "").toLowerCase() === "post" && fieldName &&
        !form.querySelector('input[name="' + fieldName + '"]')) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = fieldName;
      input.value = token;
      form.appendChild(input);
    }
  }, true);

  // A button that hides a notice (data-hide: the notice's id).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-hide]") : null;
    if (button) {
      var target = document.getElementById(button.getAttribute("data-hide"));
      if (target) { target.classList.add("d-none"); }
    }
  });

  // The customer picker: choosing a blacklisted (⛔) or caution (❗) customer says so at once, under it.
  $(document).on("select2:select select2:clear", "select", function (event) {
    var data = (event.params && event.params.data) || {};
    var holder = $(this).parent();
    holder.find(".picker-warning").remove();
    if (event.type === "select2:select" && data.warning) {
      var note = $("<div class=\"picker-warning alert mt-2 mb-0\" role=\"alert\"></div>");
      note.addClass(data.level === "danger" ? "alert-danger" : "alert-warning").text(data.warning);
      holder.append(note);
    }
  });

  // main.js writes the delete confirmation in English.
  $(document).on("shown.bs.modal", "#modal-delete", function (event) {
    var element = $(event.relatedTarget);
    var pk = element.data("pk");
    var target = Array.isArray(pk) ? "選択した" + pk.length + "件"
      : element.data("label") || (element.data("name") || "") + " No. " + (pk || "");
    $("#modal-delete-text").text(target + "を削除します。よろしいですか？");
  });
})();

// カルテ: a 参照項目 chosen from its list goes into the text (data-append-to: the textarea's id), to be
// edited there; the list goes back to blank so that saving does not add the phrase a second time.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    var target = select.getAttribute && select.getAttribute("data-append-to");
    if (target && select.value && select.value !== "__None") {
      var area = document.getElementById(target);
      if (area) {
        area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? "\n" : "") + select.value;
        area.focus();
      }
      select.value = "__None";
    }
    // The visit-date picker moves at once.
    if (select.hasAttribute && select.hasAttribute("data-submit-on-change") && select.form) {
      select.form.submit();
    }
  });
})();
