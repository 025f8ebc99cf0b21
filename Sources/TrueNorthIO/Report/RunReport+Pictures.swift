import Foundation
import TrueNorth

extension RunReport {
  /// The spike raster: neurons (rows, in core:neuron order) against ticks (columns); a dark cell
  /// is a spike. Sized to its content: rows up to 14 px high, columns up to 14 px wide. Says
  /// which neurons it shows, and why when it shows none.
  /// - Parameter recordAllHint: how to record every neuron, for the hint of an empty raster (the
  ///   command line names its flag).
  public static func rasterSVG(_ r: RasterSampler, recordAllHint: String = "run again recording every neuron") -> String {
    let columns = max(r.columnsUsed, 1)
    let order = r.drawingOrder
    let cellW = min(14, max(1, 900 / Double(columns)))
    let cellH = order.isEmpty ? 0 : min(14, max(1.5, 600 / Double(order.count)))
    let labels = order.map { "\(r.rows[$0].core):\(r.rows[$0].neuron)" }
    let left = max(70, (labels.map { TextMetrics.width($0, size: 10) }.max() ?? 0) + 16)
    let plotW = cellW * Double(columns), plotH = order.isEmpty ? 120 : cellH * Double(order.count)
    let width = max(640, left + plotW + 30)
    let lastTick = r.firstTick + max(r.ticksRecorded, 1) - 1
    let recorded = r.recordsAll ? "\(r.candidates) recorded (every neuron)" : "\(r.candidates) recorded (neurons that send to output pins)"
    let shown: String
    if r.rows.count < r.firedNeurons {
      shown = "the first \(r.rows.count) neurons to fire, of \(r.firedNeurons) that fired; \(recorded). Beyond \(r.maxRows) rows the rest are not drawn"
    } else if r.firedNeurons == 0 {
      shown = "no neuron fired; \(recorded)"
    } else {
      shown = "all \(r.firedNeurons) neuron\(r.firedNeurons == 1 ? "" : "s") that fired, of \(recorded)"
    }
    let subtitle = TextMetrics.wrap("\(shown); ticks \(r.firstTick)-\(lastTick), \(r.binTicks) tick\(r.binTicks == 1 ? "" : "s") per column; darker = more spikes",
      width: width - 20, size: 12)
    let top = 40 + 16 * Double(subtitle.count) + 22
    var svg = SVGWriter(width: width, height: top + plotH + 56, title: "spike raster")
    svg.text("Spike raster", x: 10, y: 24, size: 16, bold: true)
    for (k, line) in subtitle.enumerated() { svg.text(line, x: 10, y: 42 + 16 * Double(k), size: 12, fill: "#555") }
    svg.text("core:neuron", x: 10, y: top - 8, size: 11, fill: "#555")
    svg.rect(x: left, y: top, width: plotW, height: plotH, fill: "#fafafa", stroke: "#999")
    if order.isEmpty {
      let why = r.candidates == 0
        ? "Nothing to draw: no neuron of this model sends to an output pin, and only pin spikes were recorded. To see every neuron: \(recordAllHint)."
        : "Nothing to draw: none of the \(r.candidates) recorded neurons fired in ticks \(r.firstTick)-\(lastTick)."
          + (r.recordsAll ? "" : " Only pin spikes were recorded; to see every neuron: \(recordAllHint).")
      for (k, line) in TextMetrics.wrap(why, width: width - left - 40, size: 13).enumerated() {
        svg.text(line, x: left + 12, y: top + 30 + 18 * Double(k), size: 13, fill: "#a00")
      }
    }
    var most: Int32 = 1
    for c in r.counts where c > most { most = c }
    for (drawn, row) in order.enumerated() {
      for column in 0..<r.columnsUsed {
        let c = r.count(row: row, column: column)
        guard c > 0 else { continue }
        let shade = Int(180 - 180 * Double(c) / Double(most))
        svg.rect(x: left + Double(column) * cellW, y: top + Double(drawn) * cellH, width: cellW, height: cellH,
          fill: String(format: "#%02x%02x%02x", shade, shade, shade))
      }
    }
    // Row labels where they fit, the first and last row first.
    let labelOrder = order.isEmpty ? [] : [0, order.count - 1] + Array(1..<max(order.count - 1, 1))
    for k in labelOrder where k < order.count {
      svg.textIfFree(labels[k], x: left - 6, y: top + (Double(k) + 0.5) * cellH + 3.5, size: 10, anchor: "end")
    }
    let centre = r.binTicks == 1 ? 0.5 : 0
    let scale = NiceScale(low: Double(r.firstTick), high: Double(lastTick), ticks: 8, integer: true)
    for t in scale.ticks where t >= Double(r.firstTick) && t <= Double(lastTick) {
      let x = left + ((t - Double(r.firstTick)) / Double(r.binTicks) + centre) * cellW
      svg.line(x1: x, y1: top + plotH, x2: x, y2: top + plotH + 5, stroke: "#555")
      svg.textIfFree(scale.label(t), x: x, y: top + plotH + 18, size: 10, anchor: "middle")
    }
    svg.text("tick", x: left + plotW / 2, y: top + plotH + 40, size: 12, anchor: "middle")
    return svg.finished()
  }

  /// The link loads over the mesh: packets through each router's x links (east + west) and y
  /// links (north + south) over the run, side by side, with router coordinates, chip borders and
  /// chip-to-chip links, and a colour bar.
  public static func linkMapSVG(_ model: CycleModel) -> String {
    let loads = LinkBlocks(model)
    let cell = max(2, min(40, 420 / Double(max(loads.width, loads.height))))
    let panel = (w: cell * Double(loads.width), h: cell * Double(loads.height))
    let left = 46.0, gap = 60.0
    let width = max(640, left + panel.w * 2 + gap + 20)
    let busiest = loads.isEmpty ? "no packet crossed a router link (every spike stayed in its core)" : "busiest cell \(loads.most) packets"
    let chipLinks = model.mesh.chipsX * model.mesh.chipsY > 1 ? "; busiest chip-to-chip link \(model.chipLinkLoads.max() ?? 0) packets (bars on the chip borders)" : ""
    let subtitle = TextMetrics.wrap("packets per router over the run\(loads.block > 1 ? ", summed over blocks of \(loads.block) x \(loads.block) routers" : ""); "
      + busiest + chipLinks, width: width - 20, size: 12)
    let top = 40 + 16 * Double(subtitle.count) + 46
    var svg = SVGWriter(width: width, height: top + panel.h + 100, title: "link loads")
    svg.text("Link loads over the mesh", x: 10, y: 24, size: 16, bold: true)
    for (k, line) in subtitle.enumerated() { svg.text(line, x: 10, y: 42 + 16 * Double(k), size: 12, fill: "#555") }
    for (p, (name, load)) in [("x links (east + west)", loads.x), ("y links (north + south)", loads.y)].enumerated() {
      let x0 = left + Double(p) * (panel.w + gap)
      svg.text(name, x: x0, y: top - 26, size: 12, bold: true)
      drawLinkPanel(load, loads: loads, origin: (x0, top), cell: cell, &svg)
      drawChipBorders(model, block: loads.block, origin: (x0, top), size: panel, cell: cell, horizontal: p == 0, &svg)
      drawCoordinates(loads: loads, origin: (x0, top), cell: cell, &svg)
    }
    // Colour bar with nice ticks.
    let barY = top + panel.h + 34, barW = 200.0
    for k in 0..<50 {
      svg.rect(x: left + Double(k) * barW / 50, y: barY, width: barW / 50, height: 10, fill: SVGWriter.heatColour(Double(k) / 49))
    }
    let scale = NiceScale(low: 0, high: Double(loads.most), ticks: 4, integer: true)
    for v in scale.ticks where v <= Double(loads.most) {
      let x = left + v / Double(loads.most) * barW
      svg.line(x1: x, y1: barY + 10, x2: x, y2: barY + 14, stroke: "#555")
      svg.textIfFree(scale.label(v), x: x, y: barY + 25, size: 10, anchor: "middle")
    }
    svg.textIfFree("packets (grey: none)", x: left + barW + 12, y: barY + 9, size: 10, fill: "#555")
    svg.textIfFree("x grows to the east (right), y to the south (down)", x: left, y: barY + 44, size: 10, fill: "#555")
    return svg.finished()
  }

  /// Router coordinates along the top (x) and left side (y) of a panel, at nice whole ticks.
  static func drawCoordinates(loads: LinkBlocks, origin: (Double, Double), cell: Double, _ svg: inout SVGWriter) {
    let (x0, top) = origin
    let routersX = loads.width * loads.block, routersY = loads.height * loads.block
    let xs = NiceScale(low: 0, high: Double(routersX - 1), ticks: min(8, routersX), integer: true)
    for v in xs.ticks where v <= Double(routersX - 1) {
      let x = x0 + (v / Double(loads.block) + 0.5 / Double(loads.block)) * cell
      svg.line(x1: x, y1: top - 3, x2: x, y2: top, stroke: "#666")
      svg.textIfFree(xs.label(v), x: x, y: top - 6, size: 9, anchor: "middle", fill: "#555")
    }
    let ys = NiceScale(low: 0, high: Double(routersY - 1), ticks: min(8, routersY), integer: true)
    for v in ys.ticks where v <= Double(routersY - 1) {
      let y = top + (v / Double(loads.block) + 0.5 / Double(loads.block)) * cell
      svg.line(x1: x0 - 3, y1: y, x2: x0, y2: y, stroke: "#666")
      svg.textIfFree(ys.label(v), x: x0 - 5, y: y + 3, size: 9, anchor: "end", fill: "#555")
    }
    svg.textIfFree("x", x: x0 + Double(loads.width) * cell + 4, y: top - 6, size: 9, fill: "#555")
    svg.textIfFree("y", x: x0 - 5, y: top + Double(loads.height) * cell + 12, size: 9, anchor: "end", fill: "#555")
  }

  /// Packets through the x and y links of blocks of routers (one router per block up to 128
  /// routers a side), for the link map.
  struct LinkBlocks {
    /// Routers per block side.
    var block: Int
    var width: Int
    var height: Int
    var x: [Int64]
    var y: [Int64]
    /// The largest load of a block, at least 1.
    var most: Int64
    /// No block carried a packet.
    var isEmpty: Bool

    init(_ model: CycleModel) {
      let mesh = model.mesh
      block = max(1, (max(mesh.width, mesh.height) + 127) / 128)
      width = (mesh.width + block - 1) / block
      height = (mesh.height + block - 1) / block
      x = [Int64](repeating: 0, count: width * height)
      y = [Int64](repeating: 0, count: width * height)
      for ry in 0..<mesh.height {
        for rx in 0..<mesh.width {
          let base = (ry * mesh.width + rx) * MeshRouter.portsPerRouter
          let b = (ry / block) * width + rx / block
          x[b] += model.linkLoads[base + MeshRouter.Port.east.rawValue] + model.linkLoads[base + MeshRouter.Port.west.rawValue]
          y[b] += model.linkLoads[base + MeshRouter.Port.north.rawValue] + model.linkLoads[base + MeshRouter.Port.south.rawValue]
        }
      }
      let largest = max(x.max() ?? 0, y.max() ?? 0)
      most = max(1, largest)
      isEmpty = largest == 0
    }
  }

  /// One panel of the link map: a heat cell per block, framed.
  static func drawLinkPanel(_ load: [Int64], loads: LinkBlocks, origin: (Double, Double), cell: Double, _ svg: inout SVGWriter) {
    let (x0, top) = origin
    for by in 0..<loads.height {
      for bx in 0..<loads.width {
        let v = load[by * loads.width + bx]
        svg.rect(x: x0 + Double(bx) * cell, y: top + Double(by) * cell, width: cell, height: cell,
          fill: v == 0 ? "#f4f4f4" : SVGWriter.heatColour(Double(v) / Double(loads.most)),
          tooltip: cell >= 4 ? "(\(bx * loads.block), \(by * loads.block)): \(v) packets" : nil)
      }
    }
    svg.rect(x: x0, y: top, width: Double(loads.width) * cell, height: Double(loads.height) * cell, fill: "none", stroke: "#666")
  }

  /// The chip borders of a panel, and a short bar on the border for each chip-to-chip link in
  /// the panel's direction that carried packets, offset to the sending chip's side.
  static func drawChipBorders(
    _ model: CycleModel, block: Int, origin: (Double, Double), size: (w: Double, h: Double), cell: Double, horizontal: Bool,
    _ svg: inout SVGWriter
  ) {
    let mesh = model.mesh
    let (x0, top) = origin
    let chipW = Double(mesh.coresPerChipX) / Double(block) * cell, chipH = Double(mesh.coresPerChipY) / Double(block) * cell
    for cx in 1..<max(mesh.chipsX, 1) { svg.line(x1: x0 + Double(cx) * chipW, y1: top, x2: x0 + Double(cx) * chipW, y2: top + size.h, stroke: "#1f4e99", width: 1.5) }
    for cy in 1..<max(mesh.chipsY, 1) { svg.line(x1: x0, y1: top + Double(cy) * chipH, x2: x0 + size.w, y2: top + Double(cy) * chipH, stroke: "#1f4e99", width: 1.5) }
    let chipMost = max(1, model.chipLinkLoads.max() ?? 0)
    for (link, packets) in model.chipLinkLoads.enumerated() where packets > 0 {
      let chip = link / MeshRouter.linksPerChip
      let cx = Double(chip % mesh.chipsX), cy = Double(chip / mesh.chipsX)
      let port = MeshRouter.Port(rawValue: link % MeshRouter.linksPerChip) ?? .east
      let isX = port == .east || port == .west
      guard isX == horizontal else { continue }
      let colour = SVGWriter.heatColour(Double(packets) / Double(chipMost))
      let tip = "\(mesh.describeChipLink(link)): \(packets) packets"
      switch port {
      case .east, .west:
        let bx = x0 + (cx + (port == .east ? 1 : 0)) * chipW + (port == .east ? -4 : 1)
        svg.rect(x: bx, y: top + (cy + 0.3) * chipH, width: 3, height: chipH * 0.4, fill: colour, stroke: "#1f4e99", tooltip: tip)
      default:
        let by = top + (cy + (port == .south ? 1 : 0)) * chipH + (port == .south ? -4 : 1)
        svg.rect(x: x0 + (cx + 0.3) * chipW, y: by, width: chipW * 0.4, height: 3, fill: colour, stroke: "#1f4e99", tooltip: tip)
      }
    }
  }

  /// Per tick: spikes, hops and cycles (with the core-processing part and the budget), in three
  /// panels over the same tick axis, with whole-number ticks on every axis; ticks over budget
  /// are marked red. Long runs are shown as the maximum over bins of ticks.
  public static func tickChartSVG(_ s: CycleRun.TickSeries, budget: Int) -> String {
    let n = s.ticks.count
    let bins = max(1, min(n, 800))
    let per = max(1, (n + bins - 1) / bins)
    func binned(_ v: [Int32]) -> [Double] {
      stride(from: 0, to: n, by: per).map { start in Double(v[start..<min(n, start + per)].max() ?? 0) }
    }
    let (plotW, plotH, gap) = (800.0, 130.0, 46.0)
    let firstTick = s.ticks.first ?? 0, lastTick = s.ticks.last ?? 0
    let cycles = binned(s.cycles)
    let panels: [(String, [Double], String)] = [
      ("spikes fired", binned(s.spikes), "#1f77b4"), ("hops", binned(s.hops), "#2ca02c"), ("cycles (critical path)", cycles, "#d62728"),
    ]
    let scales = panels.enumerated().map { k, p in
      var most = p.1.max() ?? 0
      if k == 2 && Double(budget) <= max(most, 1) * 1.5 { most = max(most, Double(budget)) }
      return NiceScale(low: 0, high: max(most, 1), ticks: 4, integer: true, fromZero: true)
    }
    let left = max(60, (scales.flatMap { sc in sc.ticks.map { TextMetrics.width(sc.label($0), size: 10) } }.max() ?? 0) + 16)
    let width = left + plotW + 30
    let subtitle = TextMetrics.wrap("ticks \(firstTick)-\(lastTick)\(per > 1 ? ", maximum over \(per) ticks per point" : ""); budget \(budget) cycles per tick",
      width: width - 20, size: 12)
    let top = 40 + 16 * Double(subtitle.count) + 24
    var svg = SVGWriter(width: width, height: top + 3 * (plotH + gap) + 20, title: "per-tick chart")
    svg.text("Per tick: spikes, hops and cycles against the budget", x: 10, y: 24, size: 16, bold: true)
    for (k, line) in subtitle.enumerated() { svg.text(line, x: 10, y: 42 + 16 * Double(k), size: 12, fill: "#555") }
    let ticks = NiceScale(low: Double(firstTick), high: Double(max(lastTick, firstTick + 1)), ticks: 10, integer: true)
    let span = Double(max(lastTick - firstTick, 1))
    for (k, (name, values, colour)) in panels.enumerated() {
      let y0 = top + Double(k) * (plotH + gap)
      let scale = scales[k]
      let most = scale.upper
      let isCycles = k == 2
      svg.rect(x: left, y: y0, width: plotW, height: plotH, fill: "#fbfbfb", stroke: "#999")
      svg.text(name, x: left, y: y0 - 7, size: 12, bold: true)
      if isCycles {
        svg.textIfFree("red: critical path (cores, then routing); orange: core processing", x: left + plotW, y: y0 - 7, size: 10, anchor: "end", fill: "#555")
      }
      for v in scale.ticks {
        let y = y0 + plotH * (1 - v / most)
        svg.line(x1: left, y1: y, x2: left + plotW, y2: y, stroke: "#e6e6e6")
        svg.line(x1: left - 4, y1: y, x2: left, y2: y, stroke: "#555")
        svg.textIfFree(scale.label(v), x: left - 6, y: y + 3.5, size: 10, anchor: "end")
      }
      for t in ticks.ticks where t >= Double(firstTick) && t <= Double(lastTick) {
        let x = left + (t - Double(firstTick)) / span * plotW
        svg.line(x1: x, y1: y0 + plotH, x2: x, y2: y0 + plotH + 4, stroke: "#555")
        svg.textIfFree(ticks.label(t), x: x, y: y0 + plotH + 15, size: 10, anchor: "middle")
      }
      let dx = plotW / Double(max(values.count - 1, 1))
      func point(_ i: Int, _ v: Double) -> (x: Double, y: Double) { (left + Double(i) * dx, y0 + plotH * (1 - v / most)) }
      if isCycles {
        for (i, v) in values.enumerated() where v > Double(budget) {
          svg.rect(x: left + Double(i) * dx - 1, y: y0, width: max(2, dx), height: plotH, fill: "#f8c0c0", tooltip: "deadline miss near tick \(s.ticks[i * per])")
        }
        svg.polyline(binned(s.coreCycles).enumerated().map { point($0.offset, $0.element) }, stroke: "#ff7f0e", width: 1)
      }
      svg.polyline(values.enumerated().map { point($0.offset, $0.element) }, stroke: colour, width: 1.2)
      if isCycles {
        if Double(budget) <= most {
          let y = y0 + plotH * (1 - Double(budget) / most)
          svg.line(x1: left, y1: y, x2: left + plotW, y2: y, stroke: "#000", width: 1, dashed: true)
          svg.textIfFree("budget \(budget)", x: left + plotW - 4, y: y - 4, size: 10, anchor: "end")
        } else {
          svg.textIfFree("budget \(budget) cycles is off the chart: the worst tick uses \(RunSummary.short((values.max() ?? 0) / Double(max(budget, 1)) * 100))%",
            x: left + plotW - 4, y: y0 + 15, size: 11, anchor: "end", fill: "#555")
        }
      }
    }
    svg.text("tick", x: left + plotW / 2, y: top + 3 * (plotH + gap) - gap + 34, size: 12, anchor: "middle")
    return svg.finished()
  }
}
