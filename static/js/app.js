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
});
