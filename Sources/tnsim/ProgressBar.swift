import Foundation

/// A progress bar on standard error when it is a terminal; plain lines every 10% otherwise.
final class ProgressBar {
  let label: String
  let enabled: Bool
  let terminal = isatty(2) == 1
  var lastTenth = -1
  var drawn = false
  /// Nothing is shown for work that finishes within this many seconds.
  let quietSeconds: Double
  let start = Date()

  init(label: String, enabled: Bool = true, quietSeconds: Double = 1) {
    self.label = label
    self.enabled = enabled
    self.quietSeconds = quietSeconds
  }

  func update(_ fraction: Double, _ detail: String) {
    guard enabled, Date().timeIntervalSince(start) >= quietSeconds else { return }
    let f = min(max(fraction, 0), 1)
    if terminal {
      let width = 30
      let filled = Int(f * Double(width))
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      FileHandle.standardError.write("\r\(label) [\(bar)] \(String(format: "%3.0f", f * 100))% \(detail)\u{1B}[K".data(using: .utf8)!)
      drawn = true
    } else if Int(f * 10) > lastTenth {
      lastTenth = Int(f * 10)
      printError("\(label): \(String(format: "%.0f", f * 100))% \(detail)")
    }
  }

  func finish() {
    if drawn { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    drawn = false
  }
}

/// The time left of work whose done fraction is reported as it goes, from the rate since the first
/// report (so that loading data before the work starts does not count).
final class RemainingTime {
  private var start: (date: Date, fraction: Double)?

  /// `about 1 min 20 s left`, or nil until some progress has been timed or when the work is done.
  func text(_ fraction: Double, now: Date = Date()) -> String? {
    guard let start else {
      self.start = (now, fraction)
      return nil
    }
    let done = fraction - start.fraction, elapsed = now.timeIntervalSince(start.date)
    guard done > 0, elapsed > 0, fraction < 1 else { return nil }
    return "about " + Self.duration(elapsed / done * (1 - fraction)) + " left"
  }

  /// `45 s`, `3 min 05 s`, `1 h 02 min`.
  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded(.up))
    if s < 60 { return "\(s) s" }
    if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
    return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
  }
}
