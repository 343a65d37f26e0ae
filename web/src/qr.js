// The totpURI as a QR code, drawn in the page (no request leaves it: the
// secret is only in this document). uqr is a port of Nayuki's QR generator.
import { encode } from "uqr";

const SVG = "http://www.w3.org/2000/svg";
/** The quiet zone ISO/IEC 18004 asks for: 4 modules on every side. */
const QUIET = 4;
/** Whole pixels per module keep every module the same size on screen (and in screenshots). */
const MODULE_PX = 4;

export function qrSvg(text, { label }) {
  const { data, size } = encode(text, { ecc: "M", border: 0 });
  const side = size + 2 * QUIET;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${side} ${side}`);
  svg.setAttribute("width", String(side * MODULE_PX));
  svg.setAttribute("height", String(side * MODULE_PX));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(side));
  background.setAttribute("height", String(side));
  background.setAttribute("fill", "#fff");
  svg.append(background);
  let d = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
    });
  });
  const modules = document.createElementNS(SVG, "path");
  modules.setAttribute("d", d);
  modules.setAttribute("fill", "#000");
  svg.append(modules);
  return svg;
}
