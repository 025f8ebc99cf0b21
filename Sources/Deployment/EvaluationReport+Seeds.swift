import Foundation
import TrueNorthIO

/// One configuration classified under several seeds (tnsim eval --seeds): every seed's evaluation
/// and the spread of their accuracies, since a deployment's figure depends on its draw by a few
/// images (docs/deployment.md).
public struct SeedSpreadReport: Sendable {
  /// One seed's evaluation.
  public struct Run: Sendable {
    /// The seed of the synapse sampling, the input encoding and the chip.
    public var seed: UInt64
    /// What the chip did with it.
    public var evaluation: ChipEvaluation

    public init(seed: UInt64, evaluation: ChipEvaluation) {
      self.seed = seed
      self.evaluation = evaluation
    }
  }

  /// The evaluations, in the order of the seeds given.
  public var runs: [Run]
  /// The accuracy predicted without simulation (with the first seed's pool), or nil.
  public var predicted: Double?
  /// The chip's name.
  public var chip: String

  /// The report of `runs` (at least one, all of the same images and configuration).
  public init(runs: [Run], predicted: Double?, chip: String) {
    precondition(!runs.isEmpty, "a spread needs at least one seed")
    self.runs = runs
    self.predicted = predicted
    self.chip = chip
  }

  /// The mean of the seeds' accuracies.
  public var meanAccuracy: Double { runs.reduce(0) { $0 + $1.evaluation.accuracy } / Double(runs.count) }
  /// The lowest seed's accuracy.
  public var minAccuracy: Double { runs.map(\.evaluation.accuracy).min()! }
  /// The highest seed's accuracy.
  public var maxAccuracy: Double { runs.map(\.evaluation.accuracy).max()! }
  /// The sample standard deviation of the seeds' accuracies (n - 1 in the denominator; 0 for one seed).
  public var standardDeviation: Double {
    guard runs.count > 1 else { return 0 }
    let mean = meanAccuracy
    let squares = runs.reduce(0) { $0 + ($1.evaluation.accuracy - mean) * ($1.evaluation.accuracy - mean) }
    return (squares / Double(runs.count - 1)).squareRoot()
  }

  /// One JSON object: the chip, the spread, the prediction, then every seed's figures (as in
  /// `EvaluationReport.json`) under `seeds`.
  public var json: String {
    var w = JSONTextWriter()
    w.beginObject()
    w.member("chip", chip)
    w.member("meanAccuracy", meanAccuracy, .decimals(6))
    w.member("minAccuracy", minAccuracy, .decimals(4))
    w.member("maxAccuracy", maxAccuracy, .decimals(4))
    w.member("accuracyStandardDeviation", standardDeviation, .decimals(6))
    w.key("predictedAccuracy")
    if let predicted { w.value(predicted, .decimals(4)) } else { w.null() }
    w.key("seeds")
    w.beginArray()
    for run in runs {
      w.lineBreak(indent: 2)
      w.beginObject()
      w.member("seed", run.seed)
      EvaluationReport(evaluation: run.evaluation, predicted: nil, chip: chip).writeFigures(into: &w)
      w.endObject()
    }
    w.endArray(lineBreak: 0)
    w.endObject()
    return w.text
  }

  /// A line per seed, then the spread beside the prediction, the configuration and the time.
  public var text: String {
    func percent(_ a: Double) -> String { String(format: "%.2f", a * 100) + "%" }
    let first = runs[0].evaluation
    let seeds = runs.map { run in
      let e = run.evaluation
      let label = "seed \(run.seed)".padding(toLength: 16, withPad: " ", startingAt: 0)
      return "\(label) \(percent(e.accuracy)) on the chip (\(e.correct) of \(e.images) images), "
        + "\(String(format: "%.3f", e.energyPerImageJoules * 1e6)) uJ per image"
    }
    let wall = runs.reduce(0) { $0 + $1.evaluation.wallSeconds }
    return (seeds + [
      "accuracy         \(percent(meanAccuracy)) mean of \(runs.count) seed\(runs.count == 1 ? "" : "s") "
        + "(min \(percent(minAccuracy)), max \(percent(maxAccuracy)), standard deviation "
        + "\(String(format: "%.3f", standardDeviation * 100)) points), "
        + (predicted.map { "predicted " + percent($0) } ?? "no prediction"),
      "configuration    \(first.copies) cop\(first.copies == 1 ? "y" : "ies") x \(first.spf) spf on \(chip): \(first.coresUsed) cores",
      "time             \(first.ticksPerImage) ticks per image, \(first.latencyTicks) ticks latency",
      "wall time        \(String(format: "%.2f", wall)) s classifying, all seeds (deploying and predicting not counted)",
    ]).joined(separator: "\n")
  }
}
