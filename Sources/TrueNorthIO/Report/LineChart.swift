import Foundation

/// A line chart drawn with `SVGWriter`: nice tick values (`NiceScale`), or on a logarithmic x
/// axis ticks at the data's own x values; a title and subtitle wrapped to the width; the y
/// label above the axis; a legend entry for every series; optional labels beside points. No two
/// texts overlap by `TextMetrics`: a tick or point label that would is left out.
public struct LineChart: Sendable {
  /// One line of the chart.
  public struct Series: Sendable {
    /// The legend's text.
    public var name: String
    /// The (x, y) points, drawn in ascending x.
    public var points: [(x: Double, y: Double)]
    /// An index into the palette; series sharing it share a colour (nil: the series' position).
    public var colour: Int?
    /// A dashed line (e.g. a prediction beside the measurement of the same colour).
    public var dashed: Bool
    /// Square markers at the points.
    public var markers: Bool
    /// A short text beside each point (e.g. its copies), by index into `points`; empty: none.
    public var pointLabels: [String]
    /// The points joined by a line (false: markers only, a scatter).
    public var connected = true
    /// A colour outside the palette (e.g. a light grey for points set back), instead of `colour`.
    public var explicitColour: String?

    /// A series.
    public init(name: String, points: [(x: Double, y: Double)], colour: Int? = nil, dashed: Bool = false, markers: Bool = true, pointLabels: [String] = []) {
      self.name = name
      self.points = points
      self.colour = colour
      self.dashed = dashed
      self.markers = markers
      self.pointLabels = pointLabels
    }
  }

  /// The title (bold, at the top).
  public var title: String
  /// A line under the title (wrapped), or empty.
  public var subtitle = ""
  /// The x axis's label, under the axis.
  public var xLabel: String
  /// The y axis's label, above the axis.
  public var yLabel: String
  /// A logarithmic x axis with ticks at the data's x values.
  public var logX = false
  /// The x values are whole numbers (ticks too).
  public var integerX = false
  /// The y values are whole numbers (ticks too).
  public var integerY = false
  /// The y axis starts at 0 (counts, shares).
  public var yFromZero = false
  /// The x axis covers exactly this range, when given (instead of nice bounds around the data).
  public var xRange: ClosedRange<Double>?
  /// On a logarithmic x axis, ticks at 1, 2 and 5 times the powers of ten the data span instead of
  /// at the data's own x values (for many scattered values, such as energies).
  public var niceLogTicks = false
  /// The lines.
  public var series: [Series] = []
  /// Drawn when there are no points.
  public var emptyMessage = "no data to draw"

  /// The palette of the series' colours.
  public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

  /// An empty chart.
  public init(title: String, xLabel: String, yLabel: String, logX: Bool = false) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logX = logX
  }

  /// The colour of series `k`.
  public func colour(of k: Int) -> String { series[k].explicitColour ?? Self.palette[(series[k].colour ?? k) % Self.palette.count] }

  /// The chart as SVG text, `width` wide, the plot area `plotHeight` high.
  public func svg(width: Double = 760, plotHeight: Double = 320) -> String {
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) }
    let yScale = NiceScale(low: points.map(\.y).min() ?? 0, high: points.map(\.y).max() ?? 1, ticks: 6, integer: integerY, fromZero: yFromZero)
    // Heights: title, subtitle, the y label's line, then the plot; under it tick labels and the x label.
    let titleLines = TextMetrics.wrap(title, width: width - 20, size: 15, bold: true)
    let subtitleLines = subtitle.isEmpty ? [] : TextMetrics.wrap(subtitle, width: width - 20, size: 12)
    var y = 8.0
    var texts: [(String, Double, Double, Bool, String)] = []  // text, y, size, bold, fill
    for line in titleLines { y += 18; texts.append((line, y, 15, true, "#222")) }
    for line in subtitleLines { y += 16; texts.append((line, y, 12, false, "#555")) }
    y += 22
    let yLabelBaseline = y
    let top = y + 10
    let yLabels = yScale.ticks.map { yScale.label($0) }
    let left = max(44, (yLabels.map { TextMetrics.width($0, size: 11) }.max() ?? 0) + 16)
    let legendWidth = (series.map { TextMetrics.width($0.name, size: 12) }.max() ?? 0) + 46
    let plotWidth = max(120, width - left - legendWidth - 16)
    let height = top + plotHeight + 56
    var svg = SVGWriter(width: width, height: height, title: title)
    for (text, baseline, size, bold, fill) in texts { svg.text(text, x: 10, y: baseline, size: size, fill: fill, bold: bold) }
    svg.text(yLabel, x: 10, y: yLabelBaseline, size: 12)
    svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "#fcfcfc", stroke: "#444")
    guard !points.isEmpty else {
      svg.text(emptyMessage, x: left + plotWidth / 2, y: top + plotHeight / 2, size: 13, anchor: "middle", fill: "#a00")
      return svg.finished()
    }
    // x axis.
    let xTicks: [Double], xLow: Double, xHigh: Double, xLabelOf: (Double) -> String
    if logX {
      let xs = Array(Set(points.map(\.x))).sorted()
      var (a, b) = (log10(xs.first ?? 1), log10(xs.last ?? 10))
      xTicks = niceLogTicks ? Self.logTicks(from: xs.first ?? 1, to: xs.last ?? 10) : xs
      let pad = b - a < 1e-9 ? 0.5 : (b - a) * 0.04
      a -= pad
      b += pad
      (xLow, xHigh) = (a, b)
      xLabelOf = { NiceScale.short($0) }
    } else {
      let scale = NiceScale(low: xRange?.lowerBound ?? points.map(\.x).min() ?? 0, high: xRange?.upperBound ?? points.map(\.x).max() ?? 1,
        ticks: 8, integer: integerX)
      let range = xRange
      xTicks = scale.ticks.filter { v in range.map { v >= $0.lowerBound - 1e-9 && v <= $0.upperBound + 1e-9 } ?? true }
      (xLow, xHigh) = (xRange?.lowerBound ?? scale.lower, xRange?.upperBound ?? scale.upper)
      xLabelOf = { scale.label($0) }
    }
    func px(_ x: Double) -> Double { left + ((logX ? log10(x) : x) - xLow) / max(xHigh - xLow, 1e-12) * plotWidth }
    func py(_ v: Double) -> Double { top + (1 - (v - yScale.lower) / max(yScale.upper - yScale.lower, 1e-12)) * plotHeight }
    for (v, label) in zip(yScale.ticks, yLabels) {
      svg.line(x1: left, y1: py(v), x2: left + plotWidth, y2: py(v), stroke: "#e4e4e4")
      svg.line(x1: left - 4, y1: py(v), x2: left, y2: py(v), stroke: "#444")
      svg.textIfFree(label, x: left - 7, y: py(v) + 4, size: 11, anchor: "end")
    }
    for v in xTicks {
      svg.line(x1: px(v), y1: top, x2: px(v), y2: top + plotHeight, stroke: "#eeeeee")
      svg.line(x1: px(v), y1: top + plotHeight, x2: px(v), y2: top + plotHeight + 4, stroke: "#444")
      svg.textIfFree(xLabelOf(v), x: px(v), y: top + plotHeight + 17, size: 11, anchor: "middle")
    }
    svg.text(xLabel, x: left + plotWidth / 2, y: top + plotHeight + 40, size: 12, anchor: "middle")
    drawSeries(&svg, px: px, py: py, plot: TextBox(x: left, y: top, width: plotWidth, height: plotHeight))
    drawLegend(&svg, x: left + plotWidth + 14, top: top)
    return svg.finished()
  }

  /// 1, 2 and 5 times the powers of ten from `low` to `high` (at least the two around them when
  /// none lies between).
  static func logTicks(from low: Double, to high: Double) -> [Double] {
    var ticks: [Double] = []
    var power = pow(10, log10(low).rounded(.down))
    while power <= high * 10 {
      for m in [1.0, 2, 5] where m * power >= low * (1 - 1e-9) && m * power <= high * (1 + 1e-9) { ticks.append(m * power) }
      power *= 10
    }
    return ticks.isEmpty ? [low, high] : ticks
  }

  /// The lines, markers and point labels (each label inside the `plot` area).
  func drawSeries(_ svg: inout SVGWriter, px: (Double) -> Double, py: (Double) -> Double, plot: TextBox) {
    var labelled: [(x: Double, y: Double, text: String, colour: String)] = []
    for (k, s) in series.enumerated() {
      let colour = colour(of: k)
      let order = s.points.indices.filter { s.points[$0].x.isFinite && s.points[$0].y.isFinite && (!logX || s.points[$0].x > 0) }
        .sorted { (s.points[$0].x, $0) < (s.points[$1].x, $1) }  // equal x keep their order (steps)
      let at = order.map { (x: px(s.points[$0].x), y: py(s.points[$0].y)) }
      if s.connected && s.dashed {
        for (a, b) in zip(at, at.dropFirst()) { svg.line(x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: colour, width: 1.8, dashed: true) }
      } else if s.connected {
        svg.polyline(at, stroke: colour, width: 2)
      }
      if s.markers {
        for p in at {
          if s.dashed {
            svg.rect(x: p.x - 3, y: p.y - 3, width: 6, height: 6, fill: "white", stroke: colour)
          } else {
            svg.rect(x: p.x - 3, y: p.y - 3, width: 6, height: 6, fill: colour)
          }
        }
      }
      for (n, i) in order.enumerated() where i < s.pointLabels.count && !s.pointLabels[i].isEmpty {
        labelled.append((at[n].x, at[n].y, s.pointLabels[i], colour))
      }
    }
    // Point labels after every line, in their series' colour, each at the first free place around its point.
    for l in labelled {
      for (dx, dy, anchor) in [(6.0, -6.0, "start"), (6.0, 14.0, "start"), (-6.0, -6.0, "end"), (-6.0, 14.0, "end")] {
        let box = TextBox(of: l.text, x: l.x + dx, y: l.y + dy, size: 10, anchor: anchor)
        guard box.x >= plot.x, box.y >= plot.y, box.x + box.width <= plot.x + plot.width, box.y + box.height <= plot.y + plot.height else { continue }
        if svg.textIfFree(l.text, x: l.x + dx, y: l.y + dy, size: 10, anchor: anchor, fill: l.colour) { break }
      }
    }
  }

  /// One legend entry per series: a line sample (with its marker) and the name.
  func drawLegend(_ svg: inout SVGWriter, x: Double, top: Double) {
    for (k, s) in series.enumerated() {
      let y = top + 12 + Double(k) * 20
      let colour = colour(of: k)
      if s.connected { svg.line(x1: x, y1: y - 4, x2: x + 26, y2: y - 4, stroke: colour, width: 2, dashed: s.dashed) }
      if s.markers { svg.rect(x: x + 10, y: y - 7, width: 6, height: 6, fill: s.dashed ? "white" : colour, stroke: s.dashed ? colour : nil) }
      svg.text(s.name, x: x + 32, y: y, size: 12)
    }
  }
}
