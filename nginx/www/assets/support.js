/*
 * Jobtune support form — progressive enhancement.
 *
 * Without JavaScript the form is a plain POST to /api/support (the server
 * answers 303 to /support/thanks?ticket=... or a 422 HTML page).  With
 * JavaScript the same endpoint is called with JSON and errors are shown
 * next to the fields.  Only textContent is used to display server text.
 */
(function () {
  'use strict';

  var FIELDS = ['email', 'name', 'subject', 'message'];
  var GENERIC_ERROR = 'Sorry, we could not send your message. Please try again, ' +
    'or email support@jobtune.io.';
  var NETWORK_ERROR = 'We could not reach our server. Please check your ' +
    'connection and try again, or email support@jobtune.io.';
  var RATE_LIMIT_ERROR = 'Too many requests \u2014 please wait a minute and try again.';

  function fieldValue(form, name) {
    var el = form.elements.namedItem(name);
    return el && typeof el.value === 'string' ? el.value : '';
  }

  function setFormError(text) {
    var box = document.getElementById('form-error');
    if (box) {
      box.textContent = text;
    }
  }

  function clearErrors(form) {
    setFormError('');
    FIELDS.forEach(function (name) {
      var box = document.getElementById(name + '-error');
      if (box) {
        box.textContent = '';
      }
      var input = form.elements.namedItem(name);
      if (input && input.removeAttribute) {
        input.removeAttribute('aria-invalid');
      }
    });
  }

  function readJson(response) {
    return response.json().catch(function () {
      return null;
    });
  }

  function errorMessage(body) {
    if (body && body.error && typeof body.error.message === 'string' &&
        body.error.message) {
      return body.error.message;
    }
    return GENERIC_ERROR;
  }

  /* Show per-field problems; returns true if at least one field got one. */
  function showFieldErrors(form, fields) {
    var first = null;
    if (!fields || typeof fields !== 'object') {
      return false;
    }
    FIELDS.forEach(function (name) {
      var text = fields[name];
      if (typeof text !== 'string' || !text) {
        return;
      }
      var box = document.getElementById(name + '-error');
      var input = form.elements.namedItem(name);
      if (box) {
        box.textContent = text;
      }
      if (input && input.setAttribute) {
        input.setAttribute('aria-invalid', 'true');
        if (!first) {
          first = input;
        }
      }
    });
    if (first) {
      first.focus();
      return true;
    }
    return false;
  }

  function init() {
    var form = document.getElementById('support-form');
    if (!form || typeof window.fetch !== 'function' || !window.JSON) {
      return; /* keep the plain HTML form post */
    }
    var button = form.querySelector('button[type="submit"], input[type="submit"]');
    var sending = false;

    form.noValidate = true;

    function reset() {
      sending = false;
      form.removeAttribute('aria-busy');
      if (button) {
        button.disabled = false;
      }
    }

    /* Coming back with the Back button may restore the page as we left it. */
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) {
        reset();
      }
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (sending) {
        return;
      }
      clearErrors(form);

      var payload = {
        email: fieldValue(form, 'email'),
        name: fieldValue(form, 'name'),
        subject: fieldValue(form, 'subject'),
        message: fieldValue(form, 'message'),
        website: fieldValue(form, 'website')
      };

      sending = true;
      form.setAttribute('aria-busy', 'true');
      if (button) {
        button.disabled = true;
      }
      var done = false; /* true once we are navigating away */

      window.fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          'Accept': 'application/json'
        },
        body: JSON.stringify(payload)
      }).then(function (response) {
        return readJson(response).then(function (body) {
          if (response.status === 201) {
            var ticket = body && typeof body.ticket === 'string' ? body.ticket : '';
            if (ticket) {
              done = true;
              window.location.assign('/support/thanks?ticket=' +
                encodeURIComponent(ticket));
              return;
            }
            setFormError(GENERIC_ERROR);
            return;
          }
          if (response.status === 422) {
            var err = body && body.error ? body.error : null;
            if (!showFieldErrors(form, err ? err.fields : null)) {
              setFormError(errorMessage(body));
            }
            return;
          }
          if (response.status === 429) {
            setFormError(RATE_LIMIT_ERROR);
            return;
          }
          setFormError(errorMessage(body));
        });
      }, function () {
        setFormError(NETWORK_ERROR);
      }).catch(function () {
        setFormError(GENERIC_ERROR);
      }).then(function () {
        if (!done) {
          reset();
        }
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
