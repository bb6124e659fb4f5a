// The dossier's tabs scroll sideways when they do not fit (a tablet): bring the current one
// into view. A file of its own, because the Content-Security-Policy allows no inline script.
for (const nav of document.querySelectorAll("nav.tabs")) {
  const current = nav.querySelector('[aria-current="page"]');
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  }
}
