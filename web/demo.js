/*
 * The demo page's widget settings. The ?server= override is for this demo and the tests, and
 * accepts only a server on this machine (localhost, 127.x, [::1]): a link must not be able
 * to send someone's conversation id and messages to another host. Served through the proxy
 * (https), the page talks to its own origin. A clinic's page sets serverUrl to its own server.
 */
(function () {
  "use strict";
  var LOOPBACK = /^https?:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?\/?$/i;
  var asked = new URLSearchParams(location.search).get("server");
  var fallback = location.protocol === "https:" ? location.origin : "http://localhost:5005";
  window.ASAssistantConfig = {
    serverUrl: asked && LOOPBACK.test(asked) ? asked : fallback,
    title: "AS information assistant",
    primaryColor: "#1f5f8b"
  };
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("server-url").textContent = window.ASAssistantConfig.serverUrl;
  });
})();
