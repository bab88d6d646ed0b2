// The page's only script, inlined (its hash goes in the page's Content-Security-Policy so that no
// other script can run, even one smuggled in by a hostile header). It filters rows by status,
// scenario and text, opens a row's detail on click or Enter, and saves the embedded JSON report.
// Plain ES5-style browser code in a string: it never touches report text except as textContent.

/** The JavaScript of the HTML report. */
export const REPORT_JS = `(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.row'));
  var statusBoxes = Array.prototype.slice.call(document.querySelectorAll('input[data-filter="status"]'));
  var scenarioBoxes = Array.prototype.slice.call(document.querySelectorAll('input[data-filter="scenario"]'));
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  function detailOf(row) { return document.getElementById('d' + row.getAttribute('data-index')); }
  function checkedValues(boxes) {
    var set = {};
    boxes.forEach(function (b) { if (b.checked) set[b.value] = true; });
    return set;
  }
  function apply() {
    var statuses = checkedValues(statusBoxes);
    var scenarios = checkedValues(scenarioBoxes);
    var query = search ? search.value.trim().toLowerCase() : '';
    var count = 0;
    rows.forEach(function (row) {
      var own = (row.getAttribute('data-scenarios') || '').split('|');
      var inScenario = scenarioBoxes.length === 0 || own.some(function (s) { return scenarios[s]; });
      var matches = query === '' || row.textContent.toLowerCase().indexOf(query) >= 0;
      var visible = !!statuses[row.getAttribute('data-status')] && inScenario && matches;
      row.hidden = !visible;
      var detail = detailOf(row);
      if (detail) detail.hidden = !visible || !row.classList.contains('open');
      if (visible) count += 1;
    });
    if (shown) shown.textContent = count + ' of ' + rows.length + ' shown';
  }
  function toggle(row, open) {
    var detail = detailOf(row);
    if (!detail) return;
    var next = open === undefined ? !row.classList.contains('open') : open;
    row.classList.toggle('open', next);
    row.setAttribute('aria-expanded', String(next));
    detail.hidden = !next || row.hidden;
  }
  rows.forEach(function (row) {
    row.addEventListener('click', function () { toggle(row); });
    row.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(row); }
    });
  });
  statusBoxes.concat(scenarioBoxes).forEach(function (b) { b.addEventListener('change', apply); });
  if (search) search.addEventListener('input', apply);
  function onClick(id, fn) { var el = document.getElementById(id); if (el) el.addEventListener('click', fn); }
  onClick('expand-problems', function () {
    rows.forEach(function (row) { toggle(row, row.getAttribute('data-status') !== 'pass'); });
  });
  onClick('collapse', function () { rows.forEach(function (row) { toggle(row, false); }); });
  onClick('save-json', function () {
    var text = document.getElementById('report-data').textContent;
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    link.download = 'amlprobe-report.json';
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  apply();
})();`;
