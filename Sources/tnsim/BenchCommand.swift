import Deployment
import Foundation
import TrueNorth
import TrueNorthIO

let benchCommand = Command(
  name: "bench",
  summary: "Run the benchmark workloads single-threaded and on all processors; print throughput and memory.",
  usage: "bench [NAME ...] [--threads 1|all|both] [--ticks N] [--json]",
  details: """
    Workloads (deterministic, generated): \(Benchmark.allCases.map(\.rawValue).joined(separator: ", ")) (docs/benchmarks.md).
    Without NAME every workload runs. Each reports ticks, synaptic events and spikes per second, ns per synaptic
    event, frames per second for the MNIST workloads, simulator state and the process's peak resident memory.
    """,
  options: [
    Option(name: "threads", value: "1|all|both", help: "single thread, all processors, or both (default both)"),
    Option(name: "ticks", value: "N", help: "override the ticks (or frames) of every workload"),
    Option(name: "json", value: nil, help: "print one JSON object per line"),
  ],
  run: { args in
    var names: [Benchmark] = []
    for p in args.positional {
      guard let b = Benchmark(rawValue: p) else {
        let allowed = Benchmark.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError(value: p, allowed: allowed, message: "no such benchmark; use one of \(allowed)", arguments: p)
      }
      names.append(b)
    }
    if names.isEmpty { names = Benchmark.allCases }
    let threads: [Int]
    switch args.string("threads") ?? "both" {
    case "1": threads = [1]
    case "all": threads = [0]
    case "both": threads = [1, 0]
    case let t: throw UsageError(flag: "threads", value: t, allowed: "1, all, both", message: "'\(t)' is not allowed; use 1, all or both")
    }
    let ticks = try args.int("ticks", in: 1...10_000_000)
    if !args.flag("json") {
      print("workload       threads  cores   ticks/s   frames/s  synaptic events/s  spikes/s  ns/event  state MiB  peak RSS MiB")
    }
    for b in names {
      for t in threads {
        let r = try b.run(threads: t, ticks: ticks)
        if args.flag("json") {
          print(r.json)
        } else {
          let frames = r.frames > 0 ? String(format: "%.0f", r.framesPerSecond) : "-"
          print(r.name.padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: " %7d %6d %9.1f ", r.threads, r.cores, r.ticksPerSecond)
            + String(repeating: " ", count: max(0, 10 - frames.count)) + frames
            + String(format: " %18.3g %9.3g %9.2f %10.1f %13.1f", r.synapticEventsPerSecond, r.spikesPerSecond, r.nsPerSynapticEvent,
              Double(r.stateBytes) / 1_048_576, Double(r.peakResidentBytes) / 1_048_576))
        }
      }
    }
    return 0
  })
