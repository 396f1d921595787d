/*
 * Samhandling: draw the procedure diagrams and wire the print button.
 *
 * The renderer writes each diagram's mermaid source into a hidden <pre> inside
 * `[data-sh-diagram]`. This script draws it with the mermaid shipped with the site
 * (assets/vendor, pinned in vendor.json) into the page itself, not a shadow root, so the
 * SVG can be read by assistive technology and by the tests. The SVG gets role="img", the
 * figure's caption as its name and the note about the step table as its description.
 *
 * Mermaid (3.5 MB) is loaded only on pages that have a diagram, from the site itself. The
 * theme's own mermaid integration (which would fetch mermaid from a CDN) is never used: the
 * pages have no `pre.mermaid` blocks. Nothing here loads anything from another host.
 */
(function () {
  "use strict";

  var MERMAID = "../vendor/mermaid-11.17.2/mermaid.min.js";
  var here = document.currentScript && document.currentScript.src;

  function loadMermaid() {
    if (typeof window.mermaid !== "undefined") {
      return Promise.resolve();
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = new URL(MERMAID, here || document.baseURI).href;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("samhandling: mermaid kunne ikke lastes")); };
      document.head.appendChild(script);
    });
  }

  var config = {
    startOnLoad: false,
    securityLevel: "strict",
    theme: "neutral",
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    // HTML labels: only with them does mermaid decode the #NN; codes in every label.
    sequence: { useMaxWidth: true, wrap: true, mirrorActors: false, width: 180 },
    flowchart: { useMaxWidth: true, htmlLabels: true }
  };

  function label(svg, host) {
    svg.setAttribute("role", "img");
    svg.removeAttribute("aria-roledescription");
    var name = host.getAttribute("data-sh-label");
    if (name) {
      svg.setAttribute("aria-label", name);
    }
    var describedby = host.getAttribute("data-sh-describedby");
    if (describedby) {
      svg.setAttribute("aria-describedby", describedby);
    }
    svg.setAttribute("focusable", "false");
  }

  function draw(host, index) {
    var source = host.querySelector(".sh-diagram__source");
    if (!source) {
      return Promise.resolve();
    }
    var id = "sh-diagram-" + index;
    return window.mermaid.render(id, source.textContent).then(function (result) {
      var holder = document.createElement("div");
      holder.className = "sh-diagram__svg";
      holder.innerHTML = result.svg;
      var svg = holder.querySelector("svg");
      if (svg) {
        label(svg, host);
      }
      var fallback = host.querySelector(".sh-diagram__fallback");
      if (fallback) {
        fallback.remove();
      }
      host.appendChild(holder);
      if (svg) {
        markJumps(svg);
        printParts(host, svg, id);
      }
      host.setAttribute("data-sh-rendered", "true");
      reachScrollables();
    }, function (error) {
      host.setAttribute("data-sh-rendered", "error");
      var fallback = host.querySelector(".sh-diagram__fallback");
      if (fallback) {
        fallback.textContent = "Diagrammet kunne ikke tegnes. Stegene står i tabellen under.";
      }
      throw error;
    });
  }

  // On paper (A4, 10 mm margins: 190 x 277 mm) a diagram taller than a page is split into
  // parts that each fit a page, at its own size or smaller, so its text stays readable. Each
  // part is cut between rows (never through a message, note or box) and carries the caption
  // with «del i av n». The parts are copies of the drawing, shown only in print.
  var PAPER_WIDTH_PX = 190 / 25.4 * 96;
  var PART_HEIGHT_PX = 252 / 25.4 * 96;  // a page less room for the part's caption and the heading

  function rowsOf(svg, box) {
    var rect = svg.getBoundingClientRect();
    if (!rect.height) {
      return [];
    }
    var unit = box.height / rect.height;
    var rows = [];
    svg.querySelectorAll("text, rect.note, rect.actor, polygon, g.node, g.edgeLabel, g.cluster-label").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.height > 0 && r.height < rect.height * 0.5) {
        rows.push([box.y + (r.top - rect.top) * unit, box.y + (r.bottom - rect.top) * unit]);
      }
    });
    rows.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    rows.forEach(function (row) {
      var last = merged[merged.length - 1];
      if (last && row[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], row[1]);
      } else {
        merged.push([row[0], row[1]]);
      }
    });
    return merged;
  }

  function cuts(box, rows, tallest) {
    var out = [], top = box.y, bottom = box.y + box.height;
    while (bottom - top > tallest) {
      var limit = top + tallest, cut = null;
      for (var i = 0; i + 1 < rows.length; i++) {
        var gap = (rows[i][1] + rows[i + 1][0]) / 2;
        if (rows[i][1] > top && gap > top + tallest * 0.3 && gap <= limit) {
          cut = gap;
        }
      }
      cut = cut || limit;  // no gap: a plain cut at the page's height
      out.push([top, cut]);
      top = cut;
    }
    out.push([top, bottom]);
    return out;
  }

  function printParts(host, svg, id) {
    var figure = host.closest("figure");
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (!figure || !box || !box.width || !box.height) {
      return;
    }
    var scale = Math.min(1, PAPER_WIDTH_PX / box.width);
    if (box.height * scale <= PART_HEIGHT_PX) {
      return;  // it fits a page: printed whole
    }
    var parts = cuts(box, rowsOf(svg, box), PART_HEIGHT_PX / scale);
    var caption = figure.querySelector("figcaption");
    var holder = document.createElement("div");
    holder.className = "sh-diagram__print";
    holder.setAttribute("aria-hidden", "true");
    parts.forEach(function (part, i) {
      var suffix = "-del-" + (i + 1);
      var markup = svg.outerHTML.split(id).join(id + suffix);
      var wrap = document.createElement("div");
      wrap.className = "sh-diagram__part";
      var title = document.createElement("p");
      title.className = "sh-diagram__partcaption";
      title.textContent = (caption ? caption.textContent : "Diagram") + " (del " + (i + 1) + " av " + parts.length + ")";
      wrap.appendChild(title);
      wrap.insertAdjacentHTML("beforeend", markup);
      var copy = wrap.querySelector("svg");
      copy.querySelectorAll("[id]").forEach(function (el) {
        if (el.id.indexOf(id + suffix) !== 0) {
          el.removeAttribute("id");
        }
      });
      copy.removeAttribute("aria-describedby");
      copy.setAttribute("viewBox", [box.x, part[0], box.width, part[1] - part[0]].join(" "));
      copy.setAttribute("width", "100%");
      copy.style.maxWidth = box.width + "px";
      copy.style.width = "";
      holder.appendChild(wrap);
    });
    figure.classList.add("sh-diagram--parts");
    figure.setAttribute("data-sh-parts", String(parts.length));
    // beside the drawing's own box, not in it: the parts are not part of the screen's drawing
    host.parentNode.insertBefore(holder, host.nextSibling);
  }

  // A note that only says where the path goes on («→ Videre til steg 6», «↻ Tilbake til
  // steg 9») is drawn lighter than a step, so the steps stand out.
  function markJumps(svg) {
    svg.querySelectorAll("text.noteText").forEach(function (text) {
      var said = text.textContent.trim();
      if (said.charAt(0) === "→" || said.charAt(0) === "↻") {
        var box = text.parentNode.querySelector("rect.note");
        if (box) {
          box.classList.add("sh-jump");
        }
        text.classList.add("sh-jump-text");
      }
    });
  }

  function drawAll() {
    var hosts = Array.prototype.slice.call(document.querySelectorAll("[data-sh-diagram]"));
    if (!hosts.length) {
      return;
    }
    loadMermaid().then(function () {
      window.mermaid.initialize(config);
      // One at a time: mermaid keeps state while it draws.
      return hosts.reduce(function (previous, host, index) {
        return previous.then(function () { return draw(host, index); });
      }, Promise.resolve());
    }).catch(function (error) {
      hosts.forEach(function (host) {
        if (!host.getAttribute("data-sh-rendered")) {
          host.setAttribute("data-sh-rendered", "error");
        }
      });
      console.error("samhandling: diagrammet kunne ikke tegnes", error);
    });
  }

  function wirePrint() {
    document.querySelectorAll("[data-sh-print]").forEach(function (button) {
      var holder = button.closest(".sh-print-actions");
      if (holder) {
        holder.hidden = false;
      }
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A region that scrolls sideways (a wide table on a phone, a diagram shown full size) can
  // be reached and scrolled with the keyboard, and is named for screen readers (WCAG 2.1.1).
  function reachScrollables() {
    var regions = document.querySelectorAll(".md-typeset__scrollwrap, .sh-diagram__canvas");
    Array.prototype.forEach.call(regions, function (region) {
      var scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        if (!region.getAttribute("aria-label")) {
          var caption = region.closest("figure") && region.closest("figure").querySelector("figcaption");
          region.setAttribute("aria-label", caption ? caption.textContent + " (rull sideveis)" : "Tabell (rull sideveis)");
        }
        region.classList.add("sh-scrolls");
      } else if (region.getAttribute("role") === "region") {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
        region.classList.remove("sh-scrolls");
      }
    });
  }

  // The navigation drawer of a narrow screen is off-screen when closed: keep its links out of
  // the tab order and away from screen readers until it is opened.
  function guardDrawer() {
    var toggle = document.getElementById("__drawer");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !drawer) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 76.234375em)");
    function update() {
      if (narrow.matches && !toggle.checked) {
        drawer.setAttribute("inert", "");
      } else {
        drawer.removeAttribute("inert");
      }
    }
    toggle.addEventListener("change", update);
    if (narrow.addEventListener) {
      narrow.addEventListener("change", update);
    }
    update();
  }

  // A diagram can be shown at full size (and scrolled), so its text is readable on a phone.
  function wireZoom() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.sh-diagram"), function (figure) {
      if (figure.querySelector(".sh-diagram__zoom")) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button sh-diagram__zoom";
      button.textContent = "Vis diagrammet større";
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var on = figure.classList.toggle("sh-diagram--zoomed");
        Array.prototype.forEach.call(figure.querySelectorAll(".sh-diagram__svg svg"), function (svg) {
          if (on) {
            // Its own size: one unit of the drawing is one CSS pixel, so the text is drawn at
            // mermaid's font size (16 px) whatever the screen.
            svg.setAttribute("data-sh-max", svg.style.maxWidth || "");
            var box = svg.viewBox && svg.viewBox.baseVal;
            var natural = (box && box.width) || parseFloat(svg.style.maxWidth) || svg.getBoundingClientRect().width * 2;
            svg.style.maxWidth = "none";
            svg.style.width = natural + "px";
          } else {
            svg.style.maxWidth = svg.getAttribute("data-sh-max") || "";
            svg.style.width = "";
          }
        });
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.textContent = on ? "Vis diagrammet tilpasset skjermen" : "Vis diagrammet større";
        reachScrollables();
      });
      var caption = figure.querySelector("figcaption");
      if (caption && caption.nextSibling) {
        figure.insertBefore(button, caption.nextSibling);
      } else {
        figure.appendChild(button);
      }
    });
  }

  // A filter box over a table (the party index): rows whose text holds what is typed stay;
  // ø, æ and å match o, ae and a.
  function fold(text) {
    return text.toLowerCase().replace(/ø/g, "o").replace(/æ/g, "ae").replace(/å/g, "a");
  }

  function wireFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sh-filter]"), function (input) {
      var holder = input.closest(".sh-filter");
      var target = document.querySelector("." + input.getAttribute("data-sh-filter"));
      if (!target) {
        return;
      }
      if (holder) {
        holder.hidden = false;
      }
      input.addEventListener("input", function () {
        var wanted = fold(input.value.trim());
        Array.prototype.forEach.call(target.querySelectorAll("tbody tr"), function (row) {
          row.hidden = wanted !== "" && fold(row.textContent).indexOf(wanted) === -1;
        });
      });
    });
  }

  function start() {
    wirePrint();
    wireFilters();
    guardDrawer();
    wireZoom();
    reachScrollables();
    window.addEventListener("resize", reachScrollables);
    // The theme wraps tables in their scrolling boxes after the page has loaded.
    function settle() {
      window.setTimeout(function () {
        reachScrollables();
        document.documentElement.setAttribute("data-sh-ready", "true");
      }, 50);
    }
    if (document.readyState === "complete") {
      settle();
    } else {
      window.addEventListener("load", settle);
    }
    drawAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
