// The app's only script besides htmx; kept in a file so the Content-Security-Policy allows no inline code.
document.addEventListener("DOMContentLoaded", function () {
  var language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () {
      language.form.submit();
    });
  }
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });
});
