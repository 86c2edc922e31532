// Live reload for preview pages (never part of an email): poll /version and
// reload the page when the templates, config, topic terms or watched folders change.
(() => {
  "use strict";
  const meta = document.querySelector('meta[name="preview-version"]');
  const loaded = meta ? meta.content : null;
  const every = 1000;

  async function check() {
    try {
      const response = await fetch("/version", { cache: "no-store" });
      if (response.ok) {
        const { version } = await response.json();
        if (loaded !== null && version !== loaded) {
          window.location.reload();
          return;
        }
      }
    } catch {
      // The server is restarting or stopped: keep polling quietly.
    }
    window.setTimeout(check, every);
  }

  window.setTimeout(check, every);
})();
