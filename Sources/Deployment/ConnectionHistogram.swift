import Foundation
import TeaLearning
import TrueNorthIO

/// The distribution of trained connection probabilities of one or more networks (for example
/// before and after probability-biased regularisation), as a table and an SVG chart.
public struct ConnectionHistogram {
  /// Bins over [0, 1].
  public var bins: Int
  /// Each network's name and the fraction of its connections in each bin.
  public var series: [(name: String, fractions: [Double])] = []

  /// Histograms of `networks` (name, network) in `bins` equal bins.
  public init(_ networks: [(name: String, network: ShadowNetwork)], bins: Int) {
    self.bins = bins
    for (name, net) in networks {
      let h = connectionHistogram(net, bins: bins)
      let total = Double(max(h.reduce(0, +), 1))
      series.append((name, h.map { Double($0) / total }))
    }
  }

  /// Bin `b`'s range as text: `[0.00, 0.05)`, the last bin closed: `[0.95, 1.00]`.
  public func binLabel(_ b: Int) -> String {
    let lo = Double(b) / Double(bins), hi = Double(b + 1) / Double(bins)
    let decimals = bins <= 100 ? 2 : 3
    return String(format: "[%.\(decimals)f, %.\(decimals)f%@", lo, hi, b == bins - 1 ? "]" : ")")
  }

  /// A Markdown table: one row per bin, one column per network (percent of its connections).
  public var markdown: String {
    var s = "| c | " + series.map(\.name).joined(separator: " | ") + " |\n|---|" + String(repeating: "---|", count: series.count) + "\n"
    for b in 0..<bins {
      s += "| \(binLabel(b)) |"
      for serie in series { s += String(format: " %.2f%% |", 100 * serie.fractions[b]) }
      s += "\n"
    }
    return s
  }

  /// The chart: percent of connections per bin against the bin's centre, one line per network,
  /// the y axis from 0 and the x axis over [0, 1].
  public func chart(title: String) -> LineChart {
    var chart = LineChart(title: title, xLabel: "connection probability c (\(bins) bins of \(NiceScale.short(1 / Double(max(bins, 1)))), points at the bin centres)",
      yLabel: "% of connections")
    chart.yFromZero = true
    chart.xRange = 0...1
    for serie in series {
      chart.series.append(.init(name: serie.name, points: serie.fractions.enumerated().map { ((Double($0.offset) + 0.5) / Double(bins), 100 * $0.element) },
        markers: bins <= 50))
    }
    return chart
  }

  /// The chart as SVG text.
  public func svg(title: String) -> String { chart(title: title).svg() }
}
