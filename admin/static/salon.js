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

  // The profile form: seven digits in 郵便番号 fill 都道府県 / 市区町村 (and 住所 while it is empty or
  // still what we filled) from the app's own lookup (admin/postal.py), without leaving the page.
  var postalUrl = meta("postal-lookup");
  var halfWidth = function (text) {
    return text.replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); });
  };
  var postalNote = function (input, text, ok) {
    var note = input.parentNode.querySelector(".postal-note");
    if (!note) {
      note = document.createElement("div");
      note.className = "postal-note small mt-1";
      note.setAttribute("role", "status");
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    note.classList.toggle("text-success", ok);
    note.classList.toggle("text-danger", !ok);
  };
  var fillAddress = function (input) {
    var digits = halfWidth(input.value).replace(/[^0-9]/g, "");
    if (!postalUrl || digits.length !== 7 || input.getAttribute("data-looked-up") === digits) { return; }
    input.setAttribute("data-looked-up", digits);
    var form = input.form;
    fetch(postalUrl + "?code=" + encodeURIComponent(digits), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (input.getAttribute("data-looked-up") !== digits) { return; }  // typed on meanwhile
      if (!answer.ok) { postalNote(input, answer.body.error || "住所を調べられませんでした。", false); return; }
      var found = answer.body;
      var set = function (name, value) {
        var field = form && form.elements.namedItem(name);
        if (field && value) { field.value = value; }
        return field;
      };
      input.value = found.postalCode;
      set("prefecture", found.prefecture);
      set("city", found.city);
      var street = form && form.elements.namedItem("address_line");
      if (street && found.town && (!street.value || street.value === street.getAttribute("data-filled"))) {
        street.value = found.town;
        street.setAttribute("data-filled", found.town);
      }
      postalNote(input, "〒" + found.postalCode + " " + found.prefecture + found.city + found.town +
        " を入力しました。", true);
    }).catch(function () {
      input.removeAttribute("data-looked-up");
      postalNote(input, "住所を調べられませんでした。通信を確認してください。", false);
    });
  };
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-postal-code]")) { fillAddress(event.target); }
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
