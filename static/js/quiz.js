// Progressive enhancement of the quiz form: a "Check" button per question that grades it
// through the JSON API and shows the feedback in place. Nothing is stored; the form still
// submits normally without JavaScript.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("quiz-status");
  var token = form.querySelector("input[name=csrf_token]").value;
  var baseUrl = form.getAttribute("data-check-url");

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

  function check(fieldset, number, feedback) {
    var answer = answerOf(fieldset);
    if (answer === null) {
      announce("Question " + number + ": answer it first, then check.");
      return;
    }
    fetch(baseUrl + encodeURIComponent(fieldset.getAttribute("data-question-id")) + "/check", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({ answer: answer })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      feedback.innerHTML = result.feedback_html;  // rendered by our own template
      announce("Question " + number + ": " + (result.correct ? "correct." : "not quite. See the feedback below the question."));
    }).catch(function () {
      announce("Question " + number + ": could not check right now. You can still submit the quiz.");
    });
  }

  form.querySelectorAll("fieldset.quiz-question").forEach(function (fieldset, index) {
    var feedback = fieldset.querySelector(".quiz-feedback");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary quiz-check";
    button.textContent = "Check";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " question " + (index + 1);
    button.appendChild(hidden);
    button.addEventListener("click", function () { check(fieldset, index + 1, feedback); });
    fieldset.insertBefore(button, feedback);
  });
}());
