import Foundation

/// A small line chart written as a standalone SVG file (no packages): axes with ticks, one
/// coloured polyline with markers per series, a legend.
public struct LinePlot {
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var logX: Bool
  public var series: [(name: String, points: [(Double, Double)])] = []

  public init(title: String, xLabel: String, yLabel: String, logX: Bool = false) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logX = logX
  }

  static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }

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
    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    s += "<text x=\"\(left)\" y=\"24\" font-size=\"15\">\(Self.escape(title))</text>\n"
    s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"#444\"/>\n"
    for k in 0...5 {
      let yv = y0 + (y1 - y0) * Double(k) / 5
      s += "<line x1=\"\(left)\" x2=\"\(left + pw)\" y1=\"\(py(yv))\" y2=\"\(py(yv))\" stroke=\"#ddd\"/>"
      s += "<text x=\"\(left - 6)\" y=\"\(py(yv) + 4)\" text-anchor=\"end\">\(String(format: "%.1f", yv))</text>\n"
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
      let x = px(xv)
      s += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top)\" y2=\"\(top + ph)\" stroke=\"#eee\"/>"
      s += "<text x=\"\(x)\" y=\"\(top + ph + 16)\" text-anchor=\"middle\">\(xv >= 100 || xv == xv.rounded() ? String(format: "%.0f", xv) : String(format: "%.2g", xv))</text>\n"
    }
    s += "<text x=\"\(left + pw / 2)\" y=\"\(height - 18)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
    s += "<text transform=\"translate(18 \(top + ph / 2)) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
    for (i, serie) in series.enumerated() {
      let colour = Self.colours[i % Self.colours.count]
      let points = serie.points.filter { !logX || $0.0 > 0 }.sorted { $0.0 < $1.0 }
      let dash = serie.name.hasPrefix("predicted") ? " stroke-dasharray=\"5 4\"" : ""
      s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) points=\"" + points.map { "\(px($0.0)),\(py($0.1))" }.joined(separator: " ") + "\"/>\n"
      for p in points { s += "<circle cx=\"\(px(p.0))\" cy=\"\(py(p.1))\" r=\"3\" fill=\"\(colour)\"/>" }
      let ly = top + 14 + Double(i) * 18
      s += "\n<line x1=\"\(left + pw + 12)\" x2=\"\(left + pw + 36)\" y1=\"\(ly - 4)\" y2=\"\(ly - 4)\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>"
      s += "<text x=\"\(left + pw + 42)\" y=\"\(ly)\">\(Self.escape(serie.name))</text>\n"
    }
    return s + "</svg>\n"
  }
}
