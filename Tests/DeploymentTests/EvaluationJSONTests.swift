import Foundation
import Testing
@testable import Deployment
import TrueNorthIO

/// `tnsim eval --json` and `tnsim bench --json`: keys and number formats as before the one JSON
/// writer, names escaped.
@Suite struct EvaluationJSONTests {
  static let evaluation = ChipEvaluation(
    images: 200, correct: 191, copies: 2, spf: 4, coresUsed: 10, ticksPerImage: 4, latencyTicks: 6, spikesPerImage: 812.345,
    synapticEventsPerImage: 5001.24, hopsPerImage: 31.06, energyPerImageJoules: 1.23456e-6, wallSeconds: 3.14159)

  @Test func evaluationObjectIsExactAndEscaped() throws {
    let report = EvaluationReport(evaluation: Self.evaluation, predicted: 0.95126, chip: "a \"b\" chip")
    #expect(report.json == #"{"chip": "a \"b\" chip", "copies": 2, "spf": 4, "images": 200, "correct": 191, "accuracy": 0.9550, "predictedAccuracy": 0.9513, "cores": 10, "ticksPerImage": 4, "latencyTicks": 6, "spikesPerImage": 812.3, "synapticEventsPerImage": 5001.2, "hopsPerImage": 31.1, "energyPerImageMicrojoules": 1.2346, "wallSeconds": 3.14}"#)
    // The sweep's CSV columns: the same figures as text.
    #expect(report.fields.map(\.0) == EvaluationReport.fieldNames)
    #expect(report.fields.map(\.1) == ["2", "4", "200", "191", "0.9550", "0.9513", "10", "4", "6", "812.3", "5001.2", "31.1", "1.2346", "3.14"])
    _ = try JSONNode.parse(report.json)
  }

  @Test func seedSpreadIsTheSeedsFiguresAndTheirSpread() throws {
    var (a, b, c) = (Self.evaluation, Self.evaluation, Self.evaluation)
    (b.correct, c.correct) = (195, 188)
    c.energyPerImageJoules = 1.3e-6
    let report = SeedSpreadReport(runs: [.init(seed: 1, evaluation: a), .init(seed: 7, evaluation: b), .init(seed: 3, evaluation: c)],
      predicted: 0.95126, chip: "truenorth")
    // 0.955, 0.975 and 0.94: mean 0.9566667; deviations -0.0016667, 0.0183333, -0.0166667, whose
    // squares sum to 6.1667e-4; over n - 1 = 2: 3.0833e-4, the square root 0.0175594.
    #expect(abs(report.meanAccuracy - 0.9566667) < 1e-7)
    #expect(report.minAccuracy == 0.94 && report.maxAccuracy == 0.975)
    #expect(abs(report.standardDeviation - 0.0175594) < 1e-7)
    #expect(report.text.split(separator: "\n").prefix(4) == [
      "seed 1           95.50% on the chip (191 of 200 images), 1.235 uJ per image",
      "seed 7           97.50% on the chip (195 of 200 images), 1.235 uJ per image",
      "seed 3           94.00% on the chip (188 of 200 images), 1.300 uJ per image",
      "accuracy         95.67% mean of 3 seeds (min 94.00%, max 97.50%, standard deviation 1.756 points), predicted 95.13%",
    ])
    #expect(report.json.hasPrefix(#"{"chip": "truenorth", "meanAccuracy": 0.956667, "minAccuracy": 0.9400, "maxAccuracy": 0.9750, "accuracyStandardDeviation": 0.017559, "predictedAccuracy": 0.9513, "seeds": ["#))
    // Each seed's object is its EvaluationReport's figures after the seed.
    #expect(report.json.contains(#"{"seed": 7, "copies": 2, "spf": 4, "images": 200, "correct": 195, "accuracy": 0.9750, "predictedAccuracy": null, "cores": 10"#))
    _ = try JSONNode.parse(report.json)
    // One seed: no spread.
    #expect(SeedSpreadReport(runs: [.init(seed: 1, evaluation: a)], predicted: nil, chip: "x").standardDeviation == 0)
  }

  @Test func benchmarkObjectIsExactAndEscaped() throws {
    let r = Benchmark.Result(name: "x\\y", threads: 2, cores: 5, ticks: 1000, frames: 990, synapticEvents: 123_456_789, spikes: 4321,
      wallSeconds: 0.5, stateBytes: 1024, peakResidentBytes: 2048)
    #expect(r.json == #"{"name": "x\\y", "threads": 2, "cores": 5, "ticks": 1000, "frames": 990, "synapticEvents": 123456789, "spikes": 4321, "wallSeconds": 0.5000, "ticksPerSecond": 2000.0, "synapticEventsPerSecond": 2.469e+08, "spikesPerSecond": 8642, "nsPerSynapticEvent": 4.050, "framesPerSecond": 1980.0, "stateBytes": 1024, "peakResidentBytes": 2048, "cpuSeconds": 0.0000}"#)
    _ = try JSONNode.parse(r.json)
  }
}
