export { startNotebook, type Finding, type Notebook, type NotebookOptions } from "./notebook";
export { composeFigure, decadeTicks, decadesWithin, rasterize, type FigureText } from "./figure";
export { tableHtml, tableCsv, formatCell } from "./table";
export { progress, type Progress } from "./progress";
export { inKernel } from "./display";
export { projectRoot, writeFileAtomic } from "./files";
export { fixedOrDash, fractionText } from "./format";
