import Foundation
import TrueNorth

extension RunReport {
  /// The spike raster: sampled neurons (rows) against ticks (columns); a dark cell is a spike.
  public static func rasterSVG(_ r: RasterSampler) -> String {
    let columns = max(r.columnsUsed, 1)
    let rows = max(r.rows.count, 1)
    let cellW = min(6, max(1, 900 / Double(columns)))
    let cellH = min(8, max(1.5, 600 / Double(rows)))
    let (left, top) = (90.0, 60.0)
    let plotW = cellW * Double(columns), plotH = cellH * Double(rows)
    var svg = SVGWriter(width: left + plotW + 30, height: top + plotH + 60, title: "spike raster")
    svg.text("Spike raster", x: left, y: 22, size: 16, bold: true)
    let sampled = r.rows.count < r.candidates ? "\(r.rows.count) of \(r.candidates) neurons, evenly sampled" : "all \(r.rows.count) reportable neurons"
    svg.text("\(sampled); \(r.binTicks) tick\(r.binTicks == 1 ? "" : "s") per column; darker = more spikes", x: left, y: 42, size: 12, fill: "#555")
    svg.rect(x: left, y: top, width: plotW, height: plotH, fill: "#fafafa", stroke: "#999")
    var most: Int32 = 1
    for c in r.counts where c > most { most = c }
    for row in 0..<r.rows.count {
      for column in 0..<r.columnsUsed {
        let c = r.count(row: row, column: column)
        guard c > 0 else { continue }
        let shade = Int(180 - 180 * Double(c) / Double(most))
        svg.rect(x: left + Double(column) * cellW, y: top + Double(row) * cellH, width: cellW, height: cellH,
          fill: String(format: "#%02x%02x%02x", shade, shade, shade))
      }
    }
    let rowLabels = min(r.rows.count, 8)
    for k in 0..<rowLabels {
      let row = rowLabels == 1 ? 0 : k * (r.rows.count - 1) / (rowLabels - 1)
      svg.text("\(r.rows[row].core):\(r.rows[row].neuron)", x: left - 6, y: top + (Double(row) + 0.5) * cellH + 4, size: 10, anchor: "end")
    }
    svg.text("core:neuron", x: 8, y: top - 8, size: 11, fill: "#555")
    for k in 0...4 {
      let column = Double(columns) * Double(k) / 4
      let tick = r.firstTick + Int64(column) * r.binTicks
      svg.line(x1: left + column * cellW, y1: top + plotH, x2: left + column * cellW, y2: top + plotH + 5, stroke: "#555")
      svg.text("\(tick)", x: left + column * cellW, y: top + plotH + 18, size: 10, anchor: "middle")
    }
    svg.text("tick", x: left + plotW / 2, y: top + plotH + 40, size: 12, anchor: "middle")
    return svg.finished()
  }

  /// The link loads over the mesh: packets through each router's x links (east + west) and y
  /// links (north + south) over the run, side by side, with chip borders and chip-to-chip links.
  public static func linkMapSVG(_ model: CycleModel) -> String {
    let loads = LinkBlocks(model)
    let cell = max(2, min(12, 420 / Double(max(loads.width, loads.height))))
    let (left, top, gap) = (40.0, 70.0, 50.0)
    let panel = (w: cell * Double(loads.width), h: cell * Double(loads.height))
    var svg = SVGWriter(width: left * 2 + panel.w * 2 + gap, height: top + panel.h + 90, title: "link loads")
    svg.text("Link loads over the mesh", x: left, y: 22, size: 16, bold: true)
    svg.text("packets per router over the run\(loads.block > 1 ? ", summed over blocks of \(loads.block) x \(loads.block) routers" : ""); "
      + "busiest cell \(loads.most) packets; chip-to-chip links drawn on the chip borders", x: left, y: 42, size: 12, fill: "#555")
    for (p, (name, load)) in [("x links (east + west)", loads.x), ("y links (north + south)", loads.y)].enumerated() {
      let x0 = left + Double(p) * (panel.w + gap)
      svg.text(name, x: x0, y: top - 8, size: 12, bold: true)
      drawLinkPanel(load, loads: loads, origin: (x0, top), cell: cell, &svg)
      drawChipBorders(model, block: loads.block, origin: (x0, top), size: panel, cell: cell, horizontal: p == 0, &svg)
    }
    // Colour legend.
    let ly = top + panel.h + 25
    for k in 0..<50 {
      svg.rect(x: left + Double(k) * 4, y: ly, width: 4, height: 10, fill: SVGWriter.heatColour(Double(k) / 49))
    }
    svg.text("0", x: left, y: ly + 24, size: 10)
    svg.text("\(loads.most) packets", x: left + 200, y: ly + 24, size: 10, anchor: "end")
    svg.text("x grows to the east (right), y to the south (down); busiest chip-to-chip link \(model.chipLinkLoads.max() ?? 0) packets",
      x: left + 220, y: ly + 9, size: 10, fill: "#555")
    return svg.finished()
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
      most = max(1, max(x.max() ?? 0, y.max() ?? 0))
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
  /// panels over the same tick axis; ticks over budget are marked red. Long runs are shown as the
  /// maximum over bins of ticks.
  public static func tickChartSVG(_ s: CycleRun.TickSeries, budget: Int) -> String {
    let n = s.ticks.count
    let bins = max(1, min(n, 800))
    let per = max(1, (n + bins - 1) / bins)
    func binned(_ v: [Int32]) -> [Double] {
      stride(from: 0, to: n, by: per).map { start in Double(v[start..<min(n, start + per)].max() ?? 0) }
    }
    let (left, top, plotW, plotH, gap) = (90.0, 60.0, 800.0, 130.0, 50.0)
    var svg = SVGWriter(width: left + plotW + 40, height: top + 3 * (plotH + gap) + 20, title: "per-tick chart")
    svg.text("Per tick: spikes, hops and cycles against the budget", x: left, y: 22, size: 16, bold: true)
    let firstTick = s.ticks.first ?? 0, lastTick = s.ticks.last ?? 0
    svg.text("ticks \(firstTick)...\(lastTick)\(per > 1 ? ", maximum over \(per) ticks per point" : ""); budget \(budget) cycles per tick",
      x: left, y: 42, size: 12, fill: "#555")
    let cycles = binned(s.cycles)
    let panels: [(String, [Double], String)] = [
      ("spikes fired", binned(s.spikes), "#1f77b4"), ("hops", binned(s.hops), "#2ca02c"), ("cycles (critical path)", cycles, "#d62728"),
    ]
    for (k, (name, values, colour)) in panels.enumerated() {
      let y0 = top + Double(k) * (plotH + gap)
      var most = max(values.max() ?? 0, 1)
      let isCycles = k == 2
      if isCycles && Double(budget) <= most * 1.5 { most = max(most, Double(budget)) }
      most *= 1.05
      svg.rect(x: left, y: y0, width: plotW, height: plotH, fill: "#fbfbfb", stroke: "#999")
      svg.text(name, x: left + 6, y: y0 + 15, size: 12, bold: true)
      for f in [0.0, 0.5, 1.0] {
        svg.text(RunSummary.short(most * f), x: left - 6, y: y0 + plotH * (1 - f) + 4, size: 10, anchor: "end")
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
          svg.text("budget \(budget)", x: left + plotW - 4, y: y - 4, size: 10, anchor: "end")
        } else {
          svg.text("budget \(budget) cycles is off the chart: the worst tick uses \(RunSummary.short((values.max() ?? 0) / Double(max(budget, 1)) * 100))%",
            x: left + plotW - 4, y: y0 + 15, size: 11, anchor: "end", fill: "#555")
        }
        svg.text("red: critical path (cores, then routing); orange: core processing", x: left + 6, y: y0 + plotH + 16, size: 10, fill: "#555")
      }
    }
    let axisY = top + 3 * (plotH + gap) - gap + 32
    svg.text("tick \(firstTick)", x: left, y: axisY, size: 10)
    svg.text("tick \(lastTick)", x: left + plotW, y: axisY, size: 10, anchor: "end")
    return svg.finished()
  }
}
