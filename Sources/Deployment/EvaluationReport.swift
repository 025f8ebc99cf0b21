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

  /// Named figures in a fixed order: the CSV columns of a sweep and the JSON keys.
  public var fields: [(String, String)] {
    let e = evaluation
    return [
      ("copies", "\(e.copies)"), ("spf", "\(e.spf)"), ("images", "\(e.images)"), ("correct", "\(e.correct)"),
      ("accuracy", String(format: "%.4f", e.accuracy)), ("predictedAccuracy", String(format: "%.4f", predicted)),
      ("cores", "\(e.coresUsed)"), ("ticksPerImage", "\(e.ticksPerImage)"), ("latencyTicks", "\(e.latencyTicks)"),
      ("spikesPerImage", String(format: "%.1f", e.spikesPerImage)),
      ("synapticEventsPerImage", String(format: "%.1f", e.synapticEventsPerImage)),
      ("hopsPerImage", String(format: "%.1f", e.hopsPerImage)),
      ("energyPerImageMicrojoules", String(format: "%.4f", e.energyPerImageJoules * 1e6)),
      ("wallSeconds", String(format: "%.2f", e.wallSeconds)),
    ]
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
