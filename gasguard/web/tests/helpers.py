"""What the browser tests do as a person would (log in through the login page, attach a photo), and how they find
what the map drew."""
from gasguard import testing


def log_in(page, user, password=testing.PASSWORD, path="/"):
    """Through the login page, as a person does."""
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def png_file(tmp_path, name="after.png"):
    """A small real PNG (gasguard.testing.PNG) on disk, for set_input_files."""
    path = tmp_path / name
    path.write_bytes(testing.PNG)
    return path


MAJOR, GENERAL = (0xC0, 0x39, 0x2B), (0xE6, 0x7E, 0x22)  # map-page.js: the colours of an open hazard's marker

# The map draws its markers on Leaflet's canvas (map.js: preferCanvas), not as SVG paths, so they are found by
# colour: for each colour, the number of its opaque pixels and the centre and width of their bounding box, in
# page coordinates.
_FIND = """colours => {
  const found = {};
  for (const c of document.querySelectorAll(".leaflet-overlay-pane canvas")) {
    const r = c.getBoundingClientRect(), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (const [name, [R, G, B]] of Object.entries(colours)) {
      const f = found[name] || (found[name] = {n: 0, x0: 1e9, y0: 1e9, x1: -1, y1: -1});
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] !== R || d[i + 1] !== G || d[i + 2] !== B || d[i + 3] !== 255) continue;
        const x = r.left + (i / 4 % c.width) * r.width / c.width;
        const y = r.top + Math.floor(i / 4 / c.width) * r.height / c.height;
        f.n++; f.x0 = Math.min(f.x0, x); f.y0 = Math.min(f.y0, y); f.x1 = Math.max(f.x1, x); f.y1 = Math.max(f.y1, y);
      }
    }
  }
  for (const f of Object.values(found)) { f.x = (f.x0 + f.x1) / 2; f.y = (f.y0 + f.y1) / 2; f.w = f.x1 - f.x0; }
  return found;
}"""


def find_markers(page, **colours):
    """Wait until a marker of each colour is drawn (Leaflet draws on the next animation frame); where they are."""
    colours = {name: list(rgb) for name, rgb in colours.items()}
    page.wait_for_function("colours => { const f = (" + _FIND + ")(colours);"
                           " return Object.values(f).every(m => m.n > 30); }", arg=colours)
    return page.evaluate(_FIND, colours)
