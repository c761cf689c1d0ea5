// Progressive enhancement of the quiz and practice forms. Each "Check" button is a real
// submit button (name="check"), so checking works without JavaScript; here it is done in place
// through the JSON API instead. On an `immediate` quiz the checked answer is stored on the
// server and final for the attempt: the question is locked. In practice mode every check is
// stored as practice and the question stays open. A `deferred` quiz has no Check buttons.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form");
  if (!form || !window.fetch || !form.querySelector("button.quiz-check")) { return; }
  var status = document.getElementById("quiz-status");
  var token = form.querySelector("input[name=csrf_token]").value;
  var baseUrl = form.getAttribute("data-check-url");
  var final = form.getAttribute("data-mode") === "immediate";
  var attemptField = form.querySelector("input[name=client_attempt_id]");

  function answerOf(fieldset) {
    if (fieldset.getAttribute("data-question-type") === "matrix") {
      var rows = {};
      fieldset.querySelectorAll("select").forEach(function (select) {
        if (select.value) { rows[select.name.split(".").pop()] = select.value; }
      });
      return Object.keys(rows).length === fieldset.querySelectorAll("select").length ? rows : null;
    }
    var chosen = [];
    fieldset.querySelectorAll("input:checked").forEach(function (input) { chosen.push(input.value); });
    return chosen.length ? chosen : null;
  }

  function announce(message) {
    // Clear first so the same message twice is still read out.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function showError(fieldset, message) {
    // Visible next to the question (not only announced), as the no-JavaScript form shows it.
    var error = fieldset.querySelector(".quiz-check-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error quiz-check-error";
      error.id = fieldset.id + "-check-error";
      fieldset.insertBefore(error, fieldset.querySelector(".quiz-feedback"));
      fieldset.setAttribute("aria-describedby", error.id);
    }
    error.textContent = "⚠ " + message;
  }

  function clearError(fieldset) {
    var error = fieldset.querySelector(".quiz-check-error");
    if (error) {
      error.parentNode.removeChild(error);
      fieldset.removeAttribute("aria-describedby");
    }
  }

  function lock(fieldset, answer, button) {
    // Show the stored answer (it may come from an earlier check) and make it read-only.
    fieldset.querySelectorAll("input").forEach(function (input) {
      input.checked = Array.isArray(answer) && answer.indexOf(input.value) !== -1;
      input.disabled = true;
    });
    fieldset.querySelectorAll("select").forEach(function (select) {
      select.value = answer[select.name.split(".").pop()] || "";
      select.disabled = true;
    });
    var note = document.createElement("p");
    note.className = "quiz-locked-note";
    note.textContent = "🔒 Checked: this answer is final for this attempt.";
    var row = button.parentNode;
    row.parentNode.replaceChild(note, row);
    // The button is gone: keep keyboard focus in the question, on its feedback.
    var feedback = fieldset.querySelector(".quiz-feedback");
    feedback.setAttribute("tabindex", "-1");
    feedback.focus();
  }

  function check(fieldset, number, button) {
    var feedback = fieldset.querySelector(".quiz-feedback");
    var answer = answerOf(fieldset);
    if (answer === null) {
      var matrix = fieldset.getAttribute("data-question-type") === "matrix";
      showError(fieldset, (matrix ? "Choose an answer for every row" : "Choose an answer") +
                " before checking this question.");
      announce("Question " + number + ": choose an answer before checking it.");
      return;
    }
    var body = { answer: answer };
    if (final) { body.client_attempt_id = attemptField.value; }
    button.disabled = true;
    fetch(baseUrl + encodeURIComponent(fieldset.getAttribute("data-question-id")) + "/check", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      // A first check may sign this browser in (its first write): the CSRF token is then
      // re-bound, and the new one comes back in this header. Later posts, the form's too, use it.
      var renewed = response.headers.get("X-CSRF-Token");
      if (renewed) {
        token = renewed;
        form.querySelector("input[name=csrf_token]").value = renewed;
      }
      return response.json().then(function (result) {
        if (!response.ok) { throw new Error(result.detail || String(response.status)); }
        return result;
      });
    }).then(function (result) {
      clearError(fieldset);
      feedback.innerHTML = result.feedback_html;  // rendered by our own template
      if (final) { lock(fieldset, result.your_answer, button); } else { button.disabled = false; }
      announce("Question " + number + ": " + (result.correct ? "correct." : "not quite. See the feedback below the question."));
    }).catch(function (error) {
      button.disabled = false;
      var detail = error && error.message && isNaN(Number(error.message)) ? error.message : "could not check right now.";
      showError(fieldset, detail);
      announce("Question " + number + ": " + detail);
    });
  }

  form.querySelectorAll("fieldset.quiz-question").forEach(function (fieldset, index) {
    var button = fieldset.querySelector("button.quiz-check");
    if (!button) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      check(fieldset, index + 1, button);
    });
  });
}());
