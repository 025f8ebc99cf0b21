import Foundation
import Testing

/// `tnsim train --connection-decimals D`: the written network's connection probabilities rounded to
/// D decimals, the same whether the run is straight or a resume of a finished run's checkpoint.
@Suite struct ConnectionDecimalsTests {
  @Test func theWrittenNetworkIsRoundedAndAResumeMayAddIt() throws {
    let dir = CLI.temporary("decimals")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let common = ["train", "--topology", "mnist-5core", "--epochs", "1", "--train-limit", "1000", "--validation", "100", "--loss", "softmax"]
    let exact = try CLI.run(common + ["--output", dir + "/exact.json"])
    #expect(exact.status == 0, "\(exact.err)")
    let resumed = try CLI.run(
      common + ["--resume", "--checkpoint", dir + "/exact.json.checkpoint", "--connection-decimals", "2", "--output", dir + "/resumed.json"])
    #expect(resumed.status == 0, "\(resumed.err)")
    let straight = try CLI.run(common + ["--connection-decimals", "2", "--output", dir + "/straight.json"])
    #expect(straight.status == 0, "\(straight.err)")

    // The files' connection probabilities and options, as Float values.
    func read(_ name: String) throws -> (connections: [[Float]], rest: [[String: Any]], options: [String: Any]) {
      let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) as? [String: Any]
      let cores = object?["cores"] as? [[String: Any]] ?? []
      let options = (object?["training"] as? [String: Any])?["options"] as? [String: Any] ?? [:]
      return (cores.map { ($0["connections"] as? [NSNumber] ?? []).map { Float($0.doubleValue) } },
        cores.map { $0.filter { $0.key != "connections" } }, options)
    }
    let e = try read("exact.json"), r = try read("resumed.json"), s = try read("straight.json")
    #expect(r.connections == s.connections && !r.connections.isEmpty)
    #expect(r.options["connectionDecimals"] as? Int == 2 && e.options["connectionDecimals"] == nil)
    #expect(NSArray(array: e.rest).isEqual(to: r.rest))
    var changed = 0, wrong = 0
    for (a, b) in zip(e.connections, r.connections) {
      #expect(a.count == b.count)
      for (x, y) in zip(a, b) {
        if y != Float((Double(x) * 100).rounded() / 100) { wrong += 1 }
        if x != y { changed += 1 }
      }
    }
    #expect(wrong == 0 && changed > 1000, "\(wrong) wrongly rounded, \(changed) changed")
    let size = { (p: String) in try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int ?? 0 }
    #expect(try size(dir + "/resumed.json") * 2 < size(dir + "/exact.json"))
    // The accuracy printed and stored is the rounded network's.
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/straight.json"))) as? [String: Any]
    let accuracy = try #require((object?["training"] as? [String: Any])?["testAccuracy"] as? Double)
    #expect(straight.out.contains(String(format: "test accuracy %.2f%%", 100 * accuracy)), "\(straight.out)")

    let bad = try CLI.run(common + ["--connection-decimals", "0", "--output", dir + "/bad.json"])
    #expect(bad.status != 0 && bad.err.contains("--connection-decimals"), "\(bad.err)")
  }
}
