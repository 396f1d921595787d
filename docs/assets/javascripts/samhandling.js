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
      host.setAttribute("data-sh-rendered", "true");
    }, function (error) {
      host.setAttribute("data-sh-rendered", "error");
      var fallback = host.querySelector(".sh-diagram__fallback");
      if (fallback) {
        fallback.textContent = "Diagrammet kunne ikke tegnes. Stegene står i tabellen under.";
      }
      throw error;
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

  function start() {
    wirePrint();
    drawAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
