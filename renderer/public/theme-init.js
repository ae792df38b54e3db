// Runs before the app: applies the saved theme so a dark-mode user never sees a white flash.
(function () {
  try {
    var t = window.localStorage.getItem('switchboard.theme');
    if (t === 'light' || t === 'dark') document.documentElement.setAttribute('data-theme', t);
  } catch (e) {
    /* storage blocked: follow the system theme */
  }
})();
