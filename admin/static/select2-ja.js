// The customer pickers' search boxes answer in Japanese: defaults main.js applies, so loaded before it.
(function () {
  "use strict";
  // Search boxes (the customer pickers) answer in Japanese; main.js applies these defaults.
  if ($.fn.select2) {
    $.fn.select2.defaults.set("language", {
      inputTooShort: function () { return "1文字以上入力してください"; },
      searching: function () { return "検索しています…"; },
      noResults: function () { return "該当するお客様が見つかりません"; },
      errorLoading: function () { return "検索できませんでした"; },
      loadingMore: function () { return "読み込んでいます…"; }
    });
  }
})();
