import Foundation

/// A chip evaluation beside its prediction, as text or JSON (tnsim eval, tnsim sweep).
public struct EvaluationReport: Sendable {
  public var evaluation: ChipEvaluation
  public var predicted: Double
  public var chip: String

  public init(evaluation: ChipEvaluation, predicted: Double, chip: String) {
    self.evaluation = evaluation
    self.predicted = predicted
    self.chip = chip
  }

  /// The names of `fields`, in order.
  public static let fieldNames = [
    "copies", "spf", "images", "correct", "accuracy", "predictedAccuracy", "cores", "ticksPerImage", "latencyTicks",
    "spikesPerImage", "synapticEventsPerImage", "hopsPerImage", "energyPerImageMicrojoules", "wallSeconds",
  ]

  /// Named figures in a fixed order (`fieldNames`): the CSV columns of a sweep and the JSON keys.
  public var fields: [(String, String)] {
    let e = evaluation
    let values = [
      "\(e.copies)", "\(e.spf)", "\(e.images)", "\(e.correct)", String(format: "%.4f", e.accuracy),
      String(format: "%.4f", predicted), "\(e.coresUsed)", "\(e.ticksPerImage)", "\(e.latencyTicks)",
      String(format: "%.1f", e.spikesPerImage), String(format: "%.1f", e.synapticEventsPerImage),
      String(format: "%.1f", e.hopsPerImage), String(format: "%.4f", e.energyPerImageJoules * 1e6),
      String(format: "%.2f", e.wallSeconds),
    ]
    return Array(zip(Self.fieldNames, values))
  }

  public var json: String {
    "{\"chip\": \"\(chip)\", " + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }

  public var text: String {
    let e = evaluation
    return """
      accuracy         \(String(format: "%.2f", e.accuracy * 100))% on the chip (\(e.correct) of \(e.images) images), predicted \(String(format: "%.2f", predicted * 100))%
      configuration    \(e.copies) cop\(e.copies == 1 ? "y" : "ies") x \(e.spf) spf on \(chip): \(e.coresUsed) cores
      time             \(e.ticksPerImage) ticks per image, \(e.latencyTicks) ticks latency
      per image        \(String(format: "%.1f", e.spikesPerImage)) spikes, \(String(format: "%.0f", e.synapticEventsPerImage)) synaptic events, \(String(format: "%.3f", e.energyPerImageJoules * 1e6)) uJ
      wall time        \(String(format: "%.2f", e.wallSeconds)) s
      """
  }
}
