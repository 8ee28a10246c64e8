// The app's only script besides htmx; kept in a file so the Content-Security-Policy allows no inline code.
document.addEventListener("DOMContentLoaded", function () {
  var language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () {
      language.form.submit();
    });
  }
  // Sign-up suggests the browser's own time zone.
  document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (select.value === "UTC" && zone && select.querySelector('option[value="' + zone + '"]')) {
      select.value = zone;
    }
  });
  // A new coalition's time zone follows its State Party until the person picks one.
  var zones = document.getElementById("country-zones");
  var country = document.getElementById("id_state_party");
  var zone = document.getElementById("id_timezone");
  if (zones && country && zone) {
    var byCountry = JSON.parse(zones.textContent);
    var picked = zone.value !== "";
    zone.addEventListener("change", function () {
      picked = true;
    });
    country.addEventListener("change", function () {
      if (!picked && byCountry[country.value]) {
        zone.value = byCountry[country.value];
      }
    });
  }
  // On a phone the coalition menu is one row that scrolls: show the current section in it.
  document.querySelectorAll(".subnav ul").forEach(function (menu) {
    var current = menu.querySelector('[aria-current="page"]');
    if (current && menu.scrollWidth > menu.clientWidth) {
      menu.scrollLeft = Math.max(0, current.offsetLeft - 16);
    }
  });
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });

  restoreDrafts();
});

// Feedback: a button that starts work says so and cannot be pressed twice. Every form is covered;
// a button's data-busy-label names the work ("Publishing…"), else the page's default. Without
// script the server still refuses a second submission (coalitions/submissions.py).
function busyLabel(button) {
  return button.getAttribute("data-busy-label") || document.body.getAttribute("data-busy-label") || "…";
}

function setBusy(form, button) {
  form.setAttribute("aria-busy", "true");
  form.setAttribute("data-busy", "true");
  if (button && !button.hasAttribute("data-idle-label")) {
    button.setAttribute("data-idle-label", button.innerHTML);
    button.textContent = busyLabel(button);
    button.disabled = true;
    button.classList.add("is-busy");
  }
}

function clearBusy(form) {
  form.removeAttribute("aria-busy");
  form.removeAttribute("data-busy");
  form.querySelectorAll("button[data-idle-label]").forEach(function (button) {
    button.innerHTML = button.getAttribute("data-idle-label");
    button.removeAttribute("data-idle-label");
    button.disabled = false;
    button.classList.remove("is-busy");
  });
}

document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.hasAttribute("data-busy")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    // Disabled only after the browser has read the button's own name and value.
    setTimeout(function () {
      setBusy(form, button);
    }, 0);
  },
  true
);

// A page restored from the back-forward cache shows its buttons ready again.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    document.querySelectorAll("form[data-busy]").forEach(clearBusy);
  }
});

// htmx requests: the form is busy while its request runs, and ready after, whatever the answer.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
  if (form) {
    clearBusy(form);
  }
});

// A refusal with its reason (422) is shown in place like an answer.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The in-meeting screen: each textarea keeps a draft in this browser until the server has it, a
// failed save says so and is tried again, and a draft left by a reload or a lost connection is
// offered back.
var RETRY_SECONDS = [2, 5, 10, 20, 30];

function draftFields(form) {
  return form.querySelectorAll("[data-draft-key]");
}

document.addEventListener("input", function (event) {
  var field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-draft-key")) {
    try {
      localStorage.setItem(
        field.getAttribute("data-draft-key"),
        JSON.stringify({ text: field.value, at: Date.now() })
      );
    } catch (error) {
      // Private browsing or a full storage: the server save still runs.
    }
    var slot = field.form && field.form.querySelector(".save-slot");
    if (slot) {
      slot.textContent = slot.getAttribute("data-unsaved") || document.body.getAttribute("data-unsaved-label") || "";
    }
  }
});

function saveSucceeded(form) {
  form.removeAttribute("data-retries");
  draftFields(form).forEach(function (field) {
    try {
      var kept = JSON.parse(localStorage.getItem(field.getAttribute("data-draft-key")) || "null");
      if (kept && kept.text === field.value) {
        localStorage.removeItem(field.getAttribute("data-draft-key"));
      }
    } catch (error) {
      // Nothing kept.
    }
  });
}

function saveFailed(form) {
  var retries = parseInt(form.getAttribute("data-retries") || "0", 10);
  var wait = RETRY_SECONDS[Math.min(retries, RETRY_SECONDS.length - 1)];
  form.setAttribute("data-retries", String(retries + 1));
  var slot = form.querySelector(".save-slot");
  if (slot) {
    var message = document.body.getAttribute("data-save-failed-label") || "Not saved; trying again.";
    slot.innerHTML = "";
    var note = document.createElement("span");
    note.className = "save-state save-failed";
    note.setAttribute("role", "alert");
    note.textContent = message;
    slot.appendChild(note);
  }
  setTimeout(function () {
    if (window.htmx) {
      window.htmx.trigger(form, "cc:retry");
    }
  }, wait * 1000);
}

document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-autosave")) {
    return;
  }
  var status = event.detail.xhr ? event.detail.xhr.status : 0;
  if (event.detail.successful) {
    saveSucceeded(form);
  } else if (status !== 422 && status !== 400) {
    // No answer, or the server failed: the text is kept here and sent again.
    saveFailed(form);
  }
});

function restoreDrafts() {
  var offer = document.body.getAttribute("data-draft-offer") || "Unsaved text from this browser was found.";
  var restore = document.body.getAttribute("data-draft-restore") || "Restore it";
  var discard = document.body.getAttribute("data-draft-discard") || "Discard it";
  document.querySelectorAll("[data-draft-key]").forEach(function (field) {
    var key = field.getAttribute("data-draft-key");
    var kept;
    try {
      kept = JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return;
    }
    if (!kept || typeof kept.text !== "string") {
      return;
    }
    if (kept.text === field.value || field.readOnly) {
      localStorage.removeItem(key);
      return;
    }
    var box = document.createElement("div");
    box.className = "draft-offer message message-info";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = offer + " " + new Date(kept.at).toLocaleString();
    var preview = document.createElement("blockquote");
    preview.textContent = kept.text.length > 300 ? kept.text.slice(0, 300) + "…" : kept.text;
    var yes = document.createElement("button");
    yes.type = "button";
    yes.textContent = restore;
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = discard;
    yes.addEventListener("click", function () {
      field.value = kept.text;
      box.remove();
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    no.addEventListener("click", function () {
      localStorage.removeItem(key);
      box.remove();
    });
    box.appendChild(text);
    box.appendChild(preview);
    box.appendChild(yes);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(no);
    field.parentNode.insertBefore(box, field);
  });
}
// Progress entry: a recent quarter or month fills the dates; the indicator chosen shows its unit
// and last figure, and the breakdown by method only when it is an area.
document.addEventListener("DOMContentLoaded", function () {
  var factsData = document.getElementById("indicator-facts");
  var presetsData = document.getElementById("period-presets");
  var form = document.querySelector(".progress-form");
  if (!form || !factsData || !presetsData) {
    return;
  }
  var facts = JSON.parse(factsData.textContent);
  var presets = JSON.parse(presetsData.textContent);
  var indicator = form.querySelector("[name=indicator]");
  var preset = form.querySelector("[name=preset]");
  var start = form.querySelector("[name=period_start]");
  var end = form.querySelector("[name=period_end]");
  var hint = document.getElementById("id_indicator_helptext");
  function showIndicator() {
    var chosen = facts[indicator.value];
    if (hint) {
      hint.textContent = chosen ? chosen.hint : "";
    }
    ["cancelled_m2", "reduced_m2", "cleared_m2"].forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) {
        field.closest(".field").hidden = !(chosen && chosen.area);
      }
    });
  }
  if (indicator) {
    indicator.addEventListener("change", showIndicator);
    showIndicator();
  }
  if (preset && start && end) {
    preset.addEventListener("change", function () {
      var dates = presets[preset.value];
      if (dates) {
        start.value = dates[0];
        end.value = dates[1];
      }
    });
    // Dates typed by hand leave the preset.
    [start, end].forEach(function (field) {
      field.addEventListener("input", function () {
        var dates = presets[preset.value];
        if (dates && (start.value !== dates[0] || end.value !== dates[1])) {
          preset.value = "";
        }
      });
    });
  }
});
