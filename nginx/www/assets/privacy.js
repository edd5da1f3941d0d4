/*
 * "Your rights where you are": asks the API which privacy regime applies to
 * this visitor (their declared residence when signed in, else their
 * address) and says so above the general lists.  Without JavaScript, or if
 * the request fails, the page still lists both the GDPR and the CCPA rights.
 */
(function () {
  'use strict';

  var REGIMES = {
    gdpr: 'the GDPR (European Economic Area, United Kingdom, Switzerland)',
    ccpa: 'the CCPA (California)',
    baseline: 'the rights this policy gives everyone'
  };

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }

  function render(box, answer) {
    var where;
    if (answer.source === 'profile') {
      where = 'Based on the residence in your profile (' + [answer.country, answer.subdivision].filter(Boolean).join(', ') + ')';
    } else if (answer.source === 'ip') {
      where = 'Based on where you appear to be connecting from (' + [answer.country, answer.subdivision].filter(Boolean).join(', ') + ')';
    } else {
      where = 'We could not tell where you are, so we apply the strictest rules';
    }
    box.appendChild(el('p', where + ': ' + (REGIMES[answer.regime] || answer.regime) +
      '. We answer every request within ' + answer.responseDays + ' days.'));
    var list = el('ul');
    (answer.rights || []).forEach(function (r) {
      var item = el('li');
      item.appendChild(el('strong', r.name + ': '));
      item.appendChild(document.createTextNode(r.description));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (answer.gpc) {
      box.appendChild(el('p', 'Your browser sends a Global Privacy Control signal: we treat it as an opt-out of product analytics.'));
    }
    box.setAttribute('data-regime', answer.regime);
    box.hidden = false;
    var section = document.getElementById('rights-' + answer.regime);
    if (section) section.classList.add('applies');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('region-answer');
    if (!box || !window.fetch) return;
    fetch('/api/privacy/region', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer && answer.regime) render(box, answer); })
      .catch(function () { /* the static lists remain */ });
  });
}());
