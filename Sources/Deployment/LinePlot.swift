import Foundation
import TrueNorth
import TrueNorthIO

/// A small line chart (sweep plots): axes with ticks, one coloured line with markers per series,
/// a legend.
public struct LinePlot {
  /// The chart's title.
  public var title: String
  /// The x axis label.
  public var xLabel: String
  /// The y axis label.
  public var yLabel: String
  /// Whether the x axis is logarithmic.
  public var logX: Bool
  /// The lines: a name for the legend and (x, y) points.
  public var series: [(name: String, points: [(Double, Double)])] = []

  /// An empty chart.
  public init(title: String, xLabel: String, yLabel: String, logX: Bool = false) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logX = logX
  }

  static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

  /// The chart as SVG text, drawn with the chip reports' `SVGWriter`. Series whose name starts
  /// with "predicted" are dashed.
  public func svg(width: Double = 720, height: Double = 460) -> String {
    let left = 70.0, right = 170.0, top = 40.0, bottom = 60.0
    let all = series.flatMap(\.points).filter { !logX || $0.0 > 0 }
    let xs = all.map { logX ? log10($0.0) : $0.0 }, ys = all.map(\.1)
    var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1, y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
    if x1 - x0 < 1e-9 { x0 -= 0.5; x1 += 0.5 }
    if y1 - y0 < 1e-9 { y0 -= 0.5; y1 += 0.5 }
    let pad = (y1 - y0) * 0.08
    y0 -= pad; y1 += pad
    let pw = width - left - right, ph = height - top - bottom
    func px(_ x: Double) -> Double { left + ((logX ? log10(x) : x) - x0) / (x1 - x0) * pw }
    func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * ph }
    var w = SVGWriter(width: width, height: height, title: title)
    w.text(title, x: left, y: 24, size: 15, bold: true)
    w.rect(x: left, y: top, width: pw, height: ph, fill: "none", stroke: "#444")
    for k in 0...5 {
      let yv = y0 + (y1 - y0) * Double(k) / 5
      w.line(x1: left, y1: py(yv), x2: left + pw, y2: py(yv), stroke: "#ddd")
      w.text(String(format: "%.1f", yv), x: left - 6, y: py(yv) + 4, anchor: "end")
    }
    var xTicks: [Double] = []
    if logX {
      for e in Int(x0.rounded(.down))...Int(x1.rounded(.up)) {
        for m in [1.0, 2, 5] {
          let v = m * pow(10, Double(e))
          if log10(v) >= x0 - 1e-9 && log10(v) <= x1 + 1e-9 { xTicks.append(v) }
        }
      }
    } else {
      for k in 0...5 { xTicks.append(x0 + (x1 - x0) * Double(k) / 5) }
    }
    for xv in xTicks {
      w.line(x1: px(xv), y1: top, x2: px(xv), y2: top + ph, stroke: "#eee")
      w.text(xv >= 100 || xv == xv.rounded() ? String(format: "%.0f", xv) : String(format: "%.2g", xv), x: px(xv), y: top + ph + 16, anchor: "middle")
    }
    w.text(xLabel, x: left + pw / 2, y: height - 18, anchor: "middle")
    w.text(yLabel, x: 8, y: top - 8)
    for (i, serie) in series.enumerated() {
      let colour = Self.colours[i % Self.colours.count]
      let points = serie.points.filter { !logX || $0.0 > 0 }.sorted { $0.0 < $1.0 }.map { (x: px($0.0), y: py($0.1)) }
      let dashed = serie.name.hasPrefix("predicted")
      if dashed {
        for (a, b) in zip(points, points.dropFirst()) { w.line(x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: colour, width: 2, dashed: true) }
      } else {
        w.polyline(points, stroke: colour, width: 2)
      }
      for p in points { w.rect(x: p.x - 3, y: p.y - 3, width: 6, height: 6, fill: colour) }
      let ly = top + 14 + Double(i) * 18
      w.line(x1: left + pw + 12, y1: ly - 4, x2: left + pw + 36, y2: ly - 4, stroke: colour, width: 2, dashed: dashed)
      w.text(serie.name, x: left + pw + 42, y: ly)
    }
    return w.finished()
  }
}
