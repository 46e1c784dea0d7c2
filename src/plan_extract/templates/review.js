// Kinds are toggled by a class on <body>; the page reads the same without this script.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.classList.contains("toggle")) {
    document.body.classList.toggle("hide-" + box.getAttribute("data-kind"), !box.checked);
  }
});
