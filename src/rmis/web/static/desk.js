/* The border desk: the MRZ read as the reader (or the officer) types it, with each check digit
   judged live (ICAO 9303 part 3: weights 7-3-1, A=10 ... Z=35, < = 0); a complete MRZ is checked
   on Enter; one key for each choice of the record; hits decided in place. The page works
   without this script: it only saves keystrokes and round trips. */
(function () {
  "use strict";
  var WEIGHTS = [7, 3, 1];

  function charValue(ch) {
    var code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) return code - 48;
    if (code >= 65 && code <= 90) return code - 55;
    return 0;
  }
  function checkDigit(text) {
    var total = 0;
    for (var i = 0; i < text.length; i++) total += charValue(text[i]) * WEIGHTS[i % 3];
    return total % 10;
  }
  function holds(text, digit) {
    if (digit === "<") return /^<*$/.test(text);
    return String(checkDigit(text)) === digit;
  }
  function linesOf(value) {
    return value.toUpperCase().split(/\r?\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l.length > 0; });
  }
  // The layout and the check digits of each ICAO 9303 format, by line count and length.
  function checksOf(lines) {
    var l1 = lines[0] || "", l2 = lines[1] || "", l3 = lines[2] || "";
    var visa = l1[0] === "V";
    if (lines.length === 3) {  // TD1
      if (l1.length !== 30 || l2.length !== 30 || l3.length !== 30) return null;
      return [
        ["document_number", l1.slice(5, 14), l1[14]],
        ["birth_date", l2.slice(0, 6), l2[6]],
        ["expiry_date", l2.slice(8, 14), l2[14]],
        ["composite", l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29), l2[29]],
      ];
    }
    if (lines.length !== 2 || l1.length !== l2.length || (l1.length !== 44 && l1.length !== 36)) return null;
    var checks = [
      ["document_number", l2.slice(0, 9), l2[9]],
      ["birth_date", l2.slice(13, 19), l2[19]],
      ["expiry_date", l2.slice(21, 27), l2[27]],
    ];
    if (visa) return checks;
    if (l1.length === 44) {  // TD3
      checks.push(["optional_data", l2.slice(28, 42), l2[42]]);
      checks.push(["composite", l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43), l2[43]]);
    } else {  // TD2
      checks.push(["composite", l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 35), l2[35]]);
    }
    return checks;
  }
  function expectedLength(lines) {
    var first = lines[0] || "";
    if (first[0] === "I" || first[0] === "A" || first[0] === "C") {
      return first.length <= 30 ? 30 : 36;
    }
    return first.length > 36 ? 44 : first.length > 30 ? 36 : 44;
  }
  function complete(lines) {
    return checksOf(lines) !== null;
  }

  var mrz = document.getElementById("mrz");
  var live = document.getElementById("mrz-live");
  var form = document.getElementById("check-form");
  var labels = live ? JSON.parse(live.getAttribute("data-labels") || "{}") : {};

  function render() {
    if (!mrz || !live) return;
    var lines = linesOf(mrz.value);
    live.textContent = "";
    if (!lines.length) return;
    var list = document.createElement("ul");
    var checks = checksOf(lines);
    if (checks === null) {
      var want = expectedLength(lines);
      lines.forEach(function (line, i) {
        var item = document.createElement("li");
        item.className = line.length === want ? "ok" : "info";
        item.textContent = (labels.line || "line") + " " + (i + 1) + ": " + line.length + " / " + want;
        list.appendChild(item);
      });
    } else {
      checks.forEach(function (check) {
        var good = holds(check[1], check[2]);
        var item = document.createElement("li");
        item.className = good ? "ok" : "bad";
        item.textContent = (good ? "✓ " : "✗ ") + (labels[check[0]] || check[0]) +
          (good ? "" : " — " + (labels.mismatch || "check digit does not match"));
        list.appendChild(item);
      });
    }
    live.appendChild(list);
  }

  if (mrz) {
    mrz.addEventListener("input", function () {
      var at = mrz.selectionStart;
      var upper = mrz.value.toUpperCase();
      if (upper !== mrz.value) { mrz.value = upper; mrz.setSelectionRange(at, at); }
      render();
    });
    mrz.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey) return;
      // A reader types each line and Enter: the last Enter of a complete MRZ checks it.
      if (complete(linesOf(mrz.value)) || event.ctrlKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    render();
  }

  var clear = document.getElementById("clear");
  function nextTraveller() { window.location.href = "/desk"; }
  if (clear) clear.addEventListener("click", nextTraveller);

  // Suggested repairs: put the suggested reading in the MRZ and check again.
  function useRepair(button) {
    var original = button.getAttribute("data-original");
    var suggested = button.getAttribute("data-suggested");
    var at = mrz.value.indexOf(original);
    if (at < 0 || mrz.value.indexOf(original, at + 1) >= 0) { mrz.focus(); return; }
    mrz.value = mrz.value.slice(0, at) + suggested + mrz.value.slice(at + original.length);
    form.requestSubmit();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".use-repair"), function (button) {
    button.addEventListener("click", function () { useRepair(button); });
  });

  var record = document.getElementById("record-form");
  function unlockAdmission() {
    if (!record || document.querySelector(".hit.decide")) return;
    var lane = record.querySelector(".decision").getAttribute("data-lane");
    Array.prototype.forEach.call(record.querySelectorAll("input.admit"), function (input) {
      input.disabled = false;
      if (input.value === lane && !record.querySelector("input[name=decision]:checked")) input.checked = true;
    });
    var note = record.querySelector(".hits-first");
    if (note) note.remove();
  }

  // Hits decided in place: the answer is the decided hit, put where the form was.
  Array.prototype.forEach.call(document.querySelectorAll(".hit .decide-form, tr .decide-form"), function (f) {
    f.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(f);
      if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
      fetch(f.action, { method: "POST", body: new URLSearchParams(data), headers: { "x-rmis-fragment": "1" },
                        credentials: "same-origin" })
        .then(function (response) { return response.text().then(function (html) { return [response.ok, html]; }); })
        .then(function (result) {
          var holder = f.closest(".hit") || f.closest("td");
          if (!result[0]) { var p = document.createElement("div"); p.innerHTML = result[1]; f.appendChild(p); return; }
          holder.outerHTML = result[1];
          unlockAdmission();
          var next = document.querySelector(".hit.decide input.reason");
          if (next) next.focus(); else if (record) record.querySelector("input[name=decision]:checked, input[name=decision]:not([disabled])").focus();
        });
    });
  });

  function typing(target) {
    var tag = target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && target.type === "text") ||
      (tag === "INPUT" && target.type === "password");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); nextTraveller(); return; }
    if (!record) return;
    if (event.key === "Enter" && event.ctrlKey) { event.preventDefault(); record.requestSubmit(); return; }
    if (typing(event.target) || event.ctrlKey || event.altKey || event.metaKey) return;
    var key = event.key.toLowerCase();
    if (key === "f") {
      var repair = document.querySelector(".use-repair");
      if (repair) { event.preventDefault(); useRepair(repair); }
      return;
    }
    var choice = record.querySelector('input[data-key="' + key + '"]');
    if (choice && !choice.disabled) {
      event.preventDefault();
      choice.checked = true;
      choice.focus();
      if (choice.value === "refusal") document.getElementById("refusal_reason").focus();
    }
  });
  // Purpose and decision keys work once the card is shown; the record is the next thing to do.
  if (record && !document.querySelector(".hit.decide")) {
    var first = record.querySelector("input[name=decision]:checked");
    if (first) first.focus();
  } else if (record) {
    var reason = document.querySelector(".hit.decide input.reason");
    if (reason) reason.focus();
  }
})();
