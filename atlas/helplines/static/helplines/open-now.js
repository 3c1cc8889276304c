// Keeps "Open now" / "Closed now" current on a page left open: each line carries its opening
// intervals for the week in its own time zone (data-week: [weekday Monday=0, start minute, end
// minute]) and the two labels in the page's language; no parser ships to the browser.
(function () {
  "use strict";
  var DAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  function localMinute(zone) {
    var parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date());
    var get = function (type) {
      for (var i = 0; i < parts.length; i++) { if (parts[i].type === type) { return parts[i].value; } }
      return "";
    };
    return { day: DAYS[get("weekday")], minute: parseInt(get("hour"), 10) * 60 + parseInt(get("minute"), 10) };
  }

  function isOpen(week, now) {
    for (var i = 0; i < week.length; i++) {
      var w = week[i];
      if (w[0] === now.day && w[1] <= now.minute && now.minute < w[2]) { return true; }
    }
    return false;
  }

  function update() {
    var lines = document.querySelectorAll("[data-week][data-tz]");
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      var status = line.querySelector(".status[data-open]");
      if (!status) { continue; }
      var open;
      try { open = isOpen(JSON.parse(line.getAttribute("data-week")), localMinute(line.getAttribute("data-tz"))); }
      catch (e) { continue; }
      var wasOpen = status.classList.contains("open");
      if (open !== wasOpen) {
        status.textContent = status.getAttribute(open ? "data-open" : "data-closed");
        status.classList.toggle("open", open);
        status.classList.toggle("closed", !open);
        line.classList.toggle("is-open", open);
      }
    }
  }

  if (window.Intl && Intl.DateTimeFormat.prototype.formatToParts) {
    setInterval(update, 60000);
  }
})();
