import Foundation
import TrueNorthIO

/// A chip evaluation beside its prediction, as text or JSON (tnsim eval, tnsim sweep).
public struct EvaluationReport: Sendable {
  /// What the chip did.
  public var evaluation: ChipEvaluation
  /// The accuracy predicted without simulation; nil when there is none (a deployed model whose
  /// network file is gone).
  public var predicted: Double?
  /// The chip's name.
  public var chip: String

  /// A report of `evaluation` beside the `predicted` accuracy, on the chip named `chip`.
  public init(evaluation: ChipEvaluation, predicted: Double?, chip: String) {
    self.evaluation = evaluation
    self.predicted = predicted
    self.chip = chip
  }

  /// The names of `fields`, in order.
  public static let fieldNames = [
    "copies", "spf", "images", "correct", "accuracy", "predictedAccuracy", "cores", "ticksPerImage", "latencyTicks",
    "spikesPerImage", "synapticEventsPerImage", "hopsPerImage", "energyPerImageMicrojoules", "wallSeconds",
  ]

  /// One figure: an integer, a number written with a fixed number of decimals, or none.
  enum Figure {
    case integer(Int)
    case number(Double, decimals: Int)
    case missing

    var text: String {
      switch self {
      case .integer(let v): return String(v)
      case .number(let v, let d): return JSONTextWriter.format(v, .decimals(d))
      case .missing: return ""
      }
    }
  }

  /// The figures of `fieldNames`, in order.
  var figures: [Figure] {
    let e = evaluation
    return [
      .integer(e.copies), .integer(e.spf), .integer(e.images), .integer(e.correct), .number(e.accuracy, decimals: 4),
      predicted.map { .number($0, decimals: 4) } ?? .missing, .integer(e.coresUsed), .integer(e.ticksPerImage), .integer(e.latencyTicks),
      .number(e.spikesPerImage, decimals: 1), .number(e.synapticEventsPerImage, decimals: 1),
      .number(e.hopsPerImage, decimals: 1), .number(e.energyPerImageJoules * 1e6, decimals: 4),
      .number(e.wallSeconds, decimals: 2),
    ]
  }

  /// Named figures in a fixed order (`fieldNames`), as text: the CSV columns of a sweep.
  public var fields: [(String, String)] { Array(zip(Self.fieldNames, figures.map(\.text))) }

  /// One JSON object: the chip's name, then every figure of `fields` under its name.
  public var json: String {
    var w = JSONTextWriter()
    w.beginObject()
    w.member("chip", chip)
    writeFigures(into: &w)
    w.endObject()
    return w.text
  }

  /// Every figure of `fields` as a member of the object `w` is writing.
  func writeFigures(into w: inout JSONTextWriter) {
    for (name, figure) in zip(Self.fieldNames, figures) {
      switch figure {
      case .integer(let v): w.member(name, v)
      case .number(let v, let d): w.member(name, v, .decimals(d))
      case .missing:
        w.key(name)
        w.null()
      }
    }
  }

  /// A few lines for people: accuracy beside the prediction, configuration, time and cost.
  public var text: String {
    let e = evaluation
    return """
      accuracy         \(String(format: "%.2f", e.accuracy * 100))% on the chip (\(e.correct) of \(e.images) images), \(predicted.map { "predicted " + String(format: "%.2f", $0 * 100) + "%" } ?? "no prediction")
      configuration    \(e.copies) cop\(e.copies == 1 ? "y" : "ies") x \(e.spf) spf on \(chip): \(e.coresUsed) cores
      time             \(e.ticksPerImage) ticks per image, \(e.latencyTicks) ticks latency
      per image        \(String(format: "%.1f", e.spikesPerImage)) spikes, \(String(format: "%.0f", e.synapticEventsPerImage)) synaptic events, \(String(format: "%.3f", e.energyPerImageJoules * 1e6)) uJ
      wall time        \(String(format: "%.2f", e.wallSeconds)) s classifying (deploying and predicting not counted)
      """
  }
}
