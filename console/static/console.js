// A little script where it helps: the time bar's slider, the resource form's Art. 24 hints,
// and the chosen day beside each date input in Chinese.
// Every page works without it.
(function () {
  "use strict";
  var DAY = 86400000;

  function toDate(text) { return new Date(text + "T00:00:00Z"); }
  function fmt(d) { return d.toISOString().slice(0, 10); }

  function timebar(slider) {
    var input = document.getElementById(slider.dataset.for);
    var start = toDate(slider.dataset.start), end = toDate(slider.dataset.end);
    var days = Math.max(0, Math.round((end - start) / DAY));
    slider.min = 0; slider.max = days; slider.step = 1;
    slider.value = Math.min(days, Math.max(0, Math.round((toDate(input.value) - start) / DAY)));
    slider.addEventListener("input", function () {
      input.value = fmt(new Date(start.getTime() + slider.value * DAY));
      slider.setAttribute("aria-valuetext", input.value);
    });
    // Releasing the slider (mouse, touch or keys) shows that instant; the URL keeps it.
    slider.addEventListener("change", function () { slider.form.submit(); });
    input.addEventListener("change", function () { slider.form.submit(); });
    slider.form.querySelectorAll("input[name=known]").forEach(function (radio) {
      radio.addEventListener("change", function () { slider.form.submit(); });
    });
  }

  function shareRules(select) {
    var form = select.form;
    function show() {
      form.querySelectorAll("[data-when]").forEach(function (el) {
        var on = el.dataset.when === select.value;
        if (el.classList.contains("rule")) { el.classList.toggle("active", on); }
        else { el.hidden = !on; }
      });
    }
    select.addEventListener("change", show);
    show();
  }

  // A date input is drawn in the browser's own locale (mm/dd/yyyy on an English system):
  // the text beside it says the chosen day as officials write it, 2025年6月30日.
  function chineseDate(input) {
    var shown = document.querySelector('.date-zh[data-date-for="' + input.id + '"]');
    if (!shown) { return; }
    function say() {
      var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(input.value);
      shown.textContent = m ? m[1] + "年" + Number(m[2]) + "月" + Number(m[3]) + "日" +
        (m[4] ? " " + m[4] : "") : "";
    }
    input.addEventListener("input", say);
    input.addEventListener("change", say);
  }

  // Sections that take longer to compute than the page around them arrive after it.
  function later(section) {
    fetch(section.dataset.src, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        section.querySelector(".loading").outerHTML = html;
        section.setAttribute("aria-busy", "false");
      })
      .catch(function () {
        section.querySelector(".loading").textContent = "趋势暂时无法计算，请稍后刷新。";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-src]").forEach(later);
    document.querySelectorAll("input[type=range][data-for]").forEach(timebar);
    document.querySelectorAll("input[type=date], input[type=datetime-local]").forEach(chineseDate);
    var share = document.getElementById("r-share_type");
    if (share) { shareRules(share); }
  });
})();
