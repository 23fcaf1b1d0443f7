// The query page: YASGUI against this server's /sparql, with the example queries as tabs.
// Nothing is persisted between visits (persistenceId: null), so every visit starts with
// the examples as the server has them now.
(async function () {
  "use strict";
  const endpoint = new URL("/sparql", window.location.href).href;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
  });
  window.claimgraphYasgui = yasgui;
  let examples = [];
  try {
    const response = await fetch("/examples/queries", { headers: { Accept: "application/json" } });
    if (response.ok) examples = await response.json();
  } catch (err) {
    console.warn("example queries unavailable", err);
  }
  const first = yasgui.getTab();
  examples.forEach(function (example, i) {
    const config = { name: example.title, yasqe: { value: example.query }, requestConfig: { endpoint: endpoint } };
    yasgui.addTab(i === 0, config);
  });
  if (examples.length && first) first.close();
  document.body.dataset.ready = "true";
})();
