import Foundation
import Testing
@testable import Deployment
import TeaLearning
import TrueNorthIO

/// The texts of `svg` lie inside its canvas and no two overlap by the font's metrics.
func expectReadable(_ svg: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let (width, height) = SVGWriter.size(of: svg)
  let texts = SVGWriter.texts(in: svg)
  #expect(!texts.isEmpty, sourceLocation: sourceLocation)
  for t in texts where !t.box.isInside(width: width, height: height) {
    Issue.record("\(name): '\(t.text)' is outside the canvas", sourceLocation: sourceLocation)
  }
  for i in texts.indices {
    for j in texts.indices where j > i && texts[i].box.overlaps(texts[j].box) {
      Issue.record("\(name): '\(texts[i].text)' overlaps '\(texts[j].text)'", sourceLocation: sourceLocation)
    }
  }
}

/// The sweep's and the histogram's charts.
@Suite struct PlotTests {
  /// Sweep rows as the CSV holds them: copies x spf, accuracy rising with both.
  static func rows(copies: [Int], spf: [Int]) -> [[String: String]] {
    copies.flatMap { c in
      spf.map { s in
        let accuracy = 0.86 + 0.01 * log2(Double(c)) + 0.01 * Double(s)
        return ["copies": "\(c)", "spf": "\(s)", "accuracy": "\(accuracy)", "predictedAccuracy": "\(accuracy - 0.003)",
          "energyPerImageMicrojoules": "\(0.4706 * Double(c * s))"]
      }
    }
  }

  @Test func theCopiesChartPredictsEverySpfWithTicksAtTheCopies() {
    let chart = Sweep.copiesChart(Self.rows(copies: [1, 4, 8, 16], spf: [1, 2, 4]))
    #expect(chart.series.map(\.name) == ["1 spf", "predicted, 1 spf", "2 spf", "predicted, 2 spf", "4 spf", "predicted, 4 spf"])
    #expect(chart.series.filter(\.dashed).count == 3)
    let svg = chart.svg()
    expectReadable(svg, "accuracy-vs-copies.svg")
    let texts = SVGWriter.texts(in: svg).map { $0.text }
    for s in chart.series { #expect(texts.contains(s.name)) }
    for c in ["1", "4", "8", "16"] { #expect(texts.contains(c)) }
    #expect(!texts.contains("2") && !texts.contains("5"))
    // y ticks at whole steps of 1, 2 or 5, not 86.1 or 87.7.
    #expect(!texts.contains { $0.contains(".") && Double($0) != nil })
  }

  @Test func energyPointsSayTheirCopies() {
    let chart = Sweep.energyChart(Self.rows(copies: [1, 4, 16], spf: [1, 2]))
    let svg = chart.svg()
    expectReadable(svg, "accuracy-vs-energy.svg")
    let texts = SVGWriter.texts(in: svg).map { $0.text }
    for label in ["1x", "4x", "16x"] { #expect(texts.contains(label)) }
    #expect(texts.contains("1 spf") && texts.contains("2 spf"))
  }

  @Test func aHistogramStartsAtZeroWithClosedOpenBins() {
    var h = ConnectionHistogram([], bins: 20)
    h.series = [("a.json", (0..<20).map { $0 == 0 ? 0.5 : 0.5 / 19 }), ("b.json", (0..<20).map { $0 == 19 ? 0.4 : 0.6 / 19 })]
    #expect(h.binLabel(0) == "[0.00, 0.05)" && h.binLabel(19) == "[0.95, 1.00]")
    #expect(h.markdown.contains("| [0.05, 0.10) |"))
    let chart = h.chart(title: "Connection probabilities")
    let svg = chart.svg()
    expectReadable(svg, "histogram")
    let texts = SVGWriter.texts(in: svg).map { $0.text }
    #expect(texts.contains("a.json") && texts.contains("b.json"))
    // The y axis starts at 0 and the x axis runs from 0 to 1.
    #expect(texts.contains("0") && texts.contains("1.0") && texts.contains("0.0"))
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
  }
}
