import Foundation
import TrueNorthIO

extension Sweep {
  /// Accuracy on the chip against copies (log axis, ticks at the copies swept), one solid line per
  /// spf and its predicted accuracy dashed in the same colour.
  public static func copiesChart(_ rows: [[String: String]]) -> LineChart {
    var chart = LineChart(title: "Accuracy on the chip against copies", xLabel: "copies (log scale)", yLabel: "accuracy (%)", logX: true)
    chart.subtitle = "solid: measured on the simulated chip; dashed: predicted without simulation"
    for (k, s) in spfValues(rows).enumerated() {
      let points = rows.filter { Int(value($0, "spf")) == s }
      chart.series.append(.init(name: "\(s) spf", points: points.map { (value($0, "copies"), value($0, "accuracy") * 100) }, colour: k))
      let predicted = points.filter { Double($0["predictedAccuracy"] ?? "") != nil }
      if !predicted.isEmpty {
        chart.series.append(.init(name: "predicted, \(s) spf", points: predicted.map { (value($0, "copies"), value($0, "predictedAccuracy") * 100) },
          colour: k, dashed: true))
      }
    }
    return chart
  }

  /// Accuracy against energy per image (log axis), one line per spf, each point labelled with its
  /// copies (`4x`).
  public static func energyChart(_ rows: [[String: String]]) -> LineChart {
    var chart = LineChart(title: "Accuracy against energy per image", xLabel: "energy per image (uJ, log scale)", yLabel: "accuracy (%)", logX: true)
    chart.subtitle = "each point labelled with its copies (4x = 4 copies)"
    for (k, s) in spfValues(rows).enumerated() {
      let points = rows.filter { Int(value($0, "spf")) == s }
      chart.series.append(.init(name: "\(s) spf", points: points.map { (value($0, "energyPerImageMicrojoules"), value($0, "accuracy") * 100) },
        colour: k, pointLabels: points.map { "\($0["copies"] ?? "?")x" }))
    }
    return chart
  }

  static func value(_ r: [String: String], _ k: String) -> Double { Double(r[k] ?? "") ?? 0 }
  static func spfValues(_ rows: [[String: String]]) -> [Int] { Array(Set(rows.map { Int(value($0, "spf")) })).sorted() }
}
