import Foundation
import TeaLearning

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

  /// A Markdown table: one row per bin, one column per network (percent of its connections).
  public var markdown: String {
    var s = "| c | " + series.map(\.name).joined(separator: " | ") + " |\n|---|" + String(repeating: "---|", count: series.count) + "\n"
    for b in 0..<bins {
      let lo = Double(b) / Double(bins), hi = Double(b + 1) / Double(bins)
      s += String(format: "| %.2f-%.2f%@ |", lo, hi, b == bins - 1 ? "" : ")")
      for serie in series { s += String(format: " %.2f%% |", 100 * serie.fractions[b]) }
      s += "\n"
    }
    return s
  }

  /// The chart: percent of connections per bin against the bin's centre, one line per network.
  public func svg(title: String) -> String {
    var plot = LinePlot(title: title, xLabel: "connection probability c (bin centre)", yLabel: "% of connections")
    for serie in series {
      plot.series.append((serie.name, serie.fractions.enumerated().map { ((Double($0.offset) + 0.5) / Double(bins), 100 * $0.element) }))
    }
    return plot.svg()
  }
}
