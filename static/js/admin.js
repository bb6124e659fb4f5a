// Platform management: give the admin's autocomplete boxes (Select2) an accessible name.
//
// Select2 hides the real <select> and draws a box of its own (role="combobox") that is named
// only by the value it shows: an empty box has no name at all, and a filled one says what was
// chosen but not what for. Each box is named here by the select's own label (or, in a table
// row without a label, by the select's aria-label) followed by the value it shows. Boxes appear
// when the page loads and when a row is added to an inline, so new ones are watched for.
(function () {
  "use strict";

  function nameFor(select) {
    if (select.id) {
      const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
      if (label) {
        if (!label.id) {
          label.id = `${select.id}-label`;
        }
        return label.id;
      }
    }
    const text = select.getAttribute("aria-label");
    if (!text) {
      return null;
    }
    // an aria-label cannot be referred to: put the same words in a hidden element that can
    const id = `${select.id || select.name}-name`;
    let hidden = document.getElementById(id);
    if (!hidden) {
      hidden = document.createElement("span");
      hidden.id = id;
      hidden.hidden = true;
      select.after(hidden);
    }
    hidden.textContent = text;
    return id;
  }

  function nameBox(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) {
      return;
    }
    const labelId = nameFor(select);
    if (!labelId) {
      return;
    }
    const box = container.querySelector(".select2-selection");
    if (box && box.getAttribute("role") === "combobox") {
      // the value shown inside is a read-only text field of its own: it gets the label too,
      // and the box is named by the label and then that value
      const shown = box.querySelector(".select2-selection__rendered");
      if (shown && shown.id) {
        shown.setAttribute("aria-labelledby", labelId);
        box.setAttribute("aria-labelledby", `${labelId} ${shown.id}`);
      } else {
        box.setAttribute("aria-labelledby", labelId);
      }
    }
    // a multiple choice types into a search field inside the box
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      field.setAttribute("aria-labelledby", labelId);
    });
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameBox);
  }

  // An open list: its search field, drawn at the end of the page, gets the label too, and the
  // box says which list it opened (Select2 names it with aria-owns only, which ARIA 1.2's
  // combobox replaced by aria-controls).
  if (window.django && window.django.jQuery) {
    const $ = window.django.jQuery;
    $(document).on("select2:open", function (event) {
      const labelId = nameFor(event.target);
      if (labelId) {
        document
          .querySelectorAll(".select2-container--open .select2-search__field")
          .forEach((field) => field.setAttribute("aria-labelledby", labelId));
      }
      const box = event.target.nextElementSibling?.querySelector(".select2-selection");
      const list = box?.getAttribute("aria-owns");
      if (list) {
        box.setAttribute("aria-controls", list);
      }
    });
    $(document).on("select2:close", function (event) {
      event.target.nextElementSibling?.querySelector(".select2-selection")?.removeAttribute("aria-controls");
    });
  }

  new MutationObserver(function (changes) {
    if (changes.some((change) => change.addedNodes.length)) {
      nameAll();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameAll);
})();
