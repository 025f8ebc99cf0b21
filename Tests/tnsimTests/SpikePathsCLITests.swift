import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The same input as CSV and as `.tnspk`, on 1 and 2 threads, gives the same output spikes, and
/// CSV and `.tnspk` outputs hold the same records (issue 16: the byte-level CSV path changes nothing).
@Suite struct SpikePathsCLITests {
  @Test func csvAndBinaryInputAndOutputGiveTheSameSpikesOnAnyThreadCount() throws {
    let dir = CLI.temporary("paths")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = dir + "/m.json"
    #expect(try CLI.run(["generate", "random", "--chip", "tiny", "--seed", "11", "--rate", "5", "--output", model]).status == 0)
    // Dense input with the odd spaced or commented line, so that both CSV paths are taken.
    var text = "tick,core,axon\n# input\n"
    var rng = SplitMix64(seed: 4)
    for tick in 0..<200 {
      for _ in 0..<rng.next(below: 60) {
        text += rng.next(below: 50) == 0 ? " \(tick), \(rng.next(below: 16)),\(rng.next(below: 256))\n" : "\(tick),\(rng.next(below: 16)),\(rng.next(below: 256))\n"
      }
    }
    try text.write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    var reader = try SpikeReader<InputSpike>(path: dir + "/in.csv")
    let writer = try SpikeWriter<InputSpike>(path: dir + "/in.tnspk")
    for s in try reader.readAll() { try writer.write(s) }
    try writer.close()
    var outputs: [[OutputSpike]] = []
    for (input, threads, output) in [("in.csv", "1", "a.csv"), ("in.tnspk", "2", "b.tnspk"), ("in.csv", "2", "c.tnspk"), ("in.tnspk", "1", "d.csv")] {
      let r = try CLI.run(["run", model, "--input", dir + "/" + input, "--ticks", "220", "--record", "all",
        "--threads", threads, "--output", dir + "/" + output])
      #expect(r.status == 0, "\(r.err)")
      var o = try SpikeReader<OutputSpike>(path: dir + "/" + output)
      outputs.append(try o.readAll())
    }
    #expect(outputs[0].count > 1000)
    for k in 1..<outputs.count { #expect(outputs[k] == outputs[0], "output \(k)") }
    #expect(FileManager.default.contents(atPath: dir + "/b.tnspk") == FileManager.default.contents(atPath: dir + "/c.tnspk"))
    #expect(FileManager.default.contents(atPath: dir + "/a.csv") == FileManager.default.contents(atPath: dir + "/d.csv"))
    // Without the input the spikes differ: the comparison above can fail.
    let none = try CLI.run(["run", model, "--ticks", "220", "--record", "all", "--output", dir + "/e.csv"])
    #expect(none.status == 0)
    var e = try SpikeReader<OutputSpike>(path: dir + "/e.csv")
    #expect(try e.readAll() != outputs[0])
  }
}
