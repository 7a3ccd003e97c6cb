/*
 * The kv dashboard: polls /dashboard/snapshot once a second and draws it. One script for
 * kv-server and kv-proxy: a section the snapshot does not have (null) stays hidden.
 * The snapshot's shape is kv.protocol.dashboard.DashboardSnapshot.
 */
(function () {
  "use strict";

  var POLL_MS = 1000;
  var STALE_MS = 3500;
  var charts = {};
  var lastOk = 0;

  function $(id) { return document.getElementById(id); }

  function number(n, digits) {
    if (n === null || n === undefined) return "–";
    return n.toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 0 : digits,
      minimumFractionDigits: digits === undefined ? 0 : Math.min(digits, 2) });
  }

  function rate(n) {
    if (n === null || n === undefined) return "–";
    if (n >= 100) return number(Math.round(n));
    return number(n, 1);
  }

  function millis(n) {
    if (n === null || n === undefined) return "–";
    return n < 1 ? number(n, 3) : number(n, n < 10 ? 2 : 1);
  }

  function micros(n) {
    if (n === null || n === undefined) return "–";
    return number(n, n < 10 ? 1 : 0);
  }

  /** A latency tile's figure and unit: µs below a millisecond, ms above. */
  function latency(ms) {
    if (ms === null || ms === undefined) return ["–", ""];
    return ms < 1 ? [micros(ms * 1000), "µs"] : [millis(ms), "ms"];
  }

  function bytes(n) {
    if (n === null || n === undefined) return "–";
    var units = ["B", "KB", "MB", "GB", "TB"];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(n < 10 ? 2 : 1)) + " " + units[i];
  }

  function duration(seconds) {
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
        m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return d > 0 ? d + "d " + h + "h" : h > 0 ? h + "h " + m + "m" : m > 0 ? m + "m " + s + "s" : s + "s";
  }

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function fillTable(id, rows, columns, emptyText) {
    var body = $(id).tBodies[0];
    body.textContent = "";
    if (!rows || rows.length === 0) {
      var tr = document.createElement("tr");
      var td = cell(emptyText || "none yet", "empty");
      td.colSpan = $(id).tHead.rows[0].cells.length;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (row) { body.appendChild(columns(row)); });
  }

  function tile(id, label, value, unit, bad) {
    var el = $("tile-" + id);
    if (!el) {
      el = document.createElement("div");
      el.className = "tile";
      el.id = "tile-" + id;
      el.innerHTML = '<div class="label"></div><div class="value"><span class="figure"></span><span class="unit"></span></div>';
      el.querySelector(".figure").id = id;
      $("tiles").appendChild(el);
    }
    el.querySelector(".label").textContent = label;
    el.querySelector(".figure").textContent = value;
    el.querySelector(".unit").textContent = unit || "";
    el.classList.toggle("bad", !!bad);
  }

  function bar(container, label, used, limit, text) {
    var div = document.createElement("div");
    div.className = "bar";
    var share = limit > 0 ? Math.min(1, used / limit) : 0;
    div.innerHTML = '<div class="caption"><span></span><span></span></div>'
      + (limit > 0 ? '<div class="track"><div class="fill"></div></div>' : "");
    div.querySelector(".caption span").textContent = label;
    div.querySelector(".caption span:last-child").textContent = text;
    var fill = div.querySelector(".fill");
    if (fill) {
      fill.style.width = share * 100 + "%";
      if (share > 0.9) fill.classList.add("bad"); else if (share > 0.75) fill.classList.add("warn");
    }
    container.appendChild(div);
  }

  function chart(id, series, data) {
    var el = $(id);
    var width = Math.max(200, el.clientWidth);
    if (!charts[id]) {
      var axis = { stroke: "#8796a8", grid: { stroke: "#263241", width: 1 }, ticks: { stroke: "#263241" } };
      charts[id] = new uPlot({
        width: width, height: 200,
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
        scales: { x: { time: true } },
        axes: [axis, Object.assign({ size: 64 }, axis)].concat(series.length > 2 && series[2].scale === "right"
          ? [Object.assign({ scale: "right", side: 1, size: 50 }, axis, { grid: { show: false } })] : []),
        series: [{}].concat(series.map(function (s) {
          return { label: s.label, stroke: s.color, width: 2, scale: s.scale || "y",
            fill: s.fill, spanGaps: false, points: { show: false },
            value: function (u, v) { return v === null || v === undefined ? "–" : s.format(v); } };
        }))
      }, data, el);
    } else {
      if (Math.abs(charts[id].width - width) > 4) charts[id].setSize({ width: width, height: 200 });
      charts[id].setData(data);
    }
  }

  function show(selector, visible) {
    document.querySelectorAll(selector).forEach(function (el) { el.hidden = !visible; });
  }

  function render(s) {
    document.title = s.service + " · kv dashboard";
    $("service").textContent = s.service;
    show(".server-only", !!s.databases);
    show(".proxy-only", !!s.backends);
    show(".groups-only", !!s.groups);

    var keys = (s.databases || []).reduce(function (sum, d) { return sum + d.keys; }, 0);
    var heap = (s.memory || []).filter(function (m) { return m.name === "heap"; })[0];
    tile("ops", "ops / s", rate(s.opsPerSecond));
    var p50 = latency(s.latency.p50Ms), p99 = latency(s.latency.p99Ms);
    tile("p50", (s.latency.of === "backends" ? "backend " : "") + "p50", p50[0], p50[1]);
    tile("p99", (s.latency.of === "backends" ? "backend " : "") + "p99", p99[0], p99[1]);
    tile("clients", "clients", number(s.clients));
    if (s.databases) tile("keys", "keys", number(keys));
    if (s.cache) {
      tile("hit-ratio", "hit ratio", s.cache.hitRatio === null ? "–" : number(s.cache.hitRatio * 100, 1), "%");
      tile("invalidations", "invalidations / s", rate(s.cache.invalidationsPerSecond));
    }
    if (s.backends) {
      var down = s.backends.filter(function (b) { return !b.up; }).length;
      tile("backends-up", "backends up", (s.backends.length - down) + " / " + s.backends.length, "", down > 0);
    }
    if (heap) tile("heap", "heap", bytes(heap.bytes).replace(/ .*/, ""), bytes(heap.bytes).replace(/.* /, ""));
    if (s.disk) tile("disk-free", "disk free", bytes(s.disk.freeBytes).replace(/ .*/, ""),
      bytes(s.disk.freeBytes).replace(/.* /, ""), s.disk.totalBytes > 0 && s.disk.freeBytes / s.disk.totalBytes < 0.1);

    var h = s.history;
    var time = h.time.map(function (t) { return t / 1000; });
    chart("chart-ops", [{ label: "ops/s", color: "#4fb3ff", fill: "rgba(79,179,255,.12)", format: rate }], [time, h.ops]);
    // µs while the last two minutes stayed under a millisecond, else ms. The unit in a span of
    // its own: h2's uppercase would turn µs into ΜS.
    var slowest = h.p99Ms.reduce(function (m, v) { return v === null ? m : Math.max(m, v); }, 0);
    var unit = slowest < 1 ? "µs" : "ms";
    var scale = function (v) { return v === null ? null : unit === "µs" ? v * 1000 : v; };
    $("latency-title").innerHTML = (s.latency.of === "backends" ? "Backend round trip" : "Command latency")
      + ' <span class="unit">(' + unit + ")</span>" + (s.latency.of === "backends" ? ", slowest backend" : "");
    if (charts["chart-latency"] && charts["chart-latency"].unit !== unit) {
      charts["chart-latency"].destroy();
      delete charts["chart-latency"];
    }
    chart("chart-latency", [
      { label: "p50", color: "#3ecf6e", format: unit === "µs" ? micros : millis },
      { label: "p99", color: "#ffb347", format: unit === "µs" ? micros : millis }], [time, h.p50Ms.map(scale), h.p99Ms.map(scale)]);
    charts["chart-latency"].unit = unit;
    if (s.cache) {
      chart("chart-cache", [
        { label: "hit %", color: "#3ecf6e", format: function (v) { return number(v, 1) + " %"; } },
        { label: "invalidations/s", color: "#c792ea", scale: "right", format: rate }],
        [time, h.hitRatio.map(function (v) { return v === null ? null : v * 100; }), h.invalidations]);
    }

    var timed = s.commands.some(function (c) { return c.meanMicros !== null; }) || !!s.databases;
    show("#commands .timed", timed);
    fillTable("commands", s.commands, function (c) {
      var tr = document.createElement("tr");
      tr.dataset.command = c.name;
      tr.append(cell(c.name), cell(rate(c.perSecond), "num"), cell(number(c.calls), "num"));
      if (timed) tr.append(cell(c.meanMicros === null ? "–" : number(c.meanMicros, 1), "num"));
      return tr;
    }, "no commands yet");

    if (s.databases) {
      fillTable("databases", s.databases, function (d) {
        var tr = document.createElement("tr");
        tr.append(cell("db" + d.db), cell(number(d.keys), "num"));
        return tr;
      }, "no keys");
    }

    if (s.backends) {
      fillTable("backends", s.backends, function (b) {
        var tr = document.createElement("tr");
        tr.dataset.backend = b.name;
        tr.className = b.up ? "up" : "down";
        var state = cell("");
        var badge = document.createElement("span");
        badge.className = "state " + (b.up ? "up" : "down");
        badge.textContent = b.up ? "up" : "DOWN";
        state.appendChild(badge);
        var tracking = cell(b.tracking ? "subscribed" : "none: uncached");
        tracking.title = b.tracking ? "its invalidations arrive: its keys are cached"
          : "no invalidation stream: its keys are read through, uncached";
        tr.append(cell(b.name), state, tracking,
          cell(rate(b.requestsPerSecond), "num"), cell(millis(b.p50Ms), "num"), cell(millis(b.p99Ms), "num"));
        return tr;
      });
    }

    if (s.groups) {
      fillTable("groups", s.groups, function (g) {
        var tr = document.createElement("tr");
        tr.dataset.group = g.name;
        tr.className = g.status === "UP" ? "up" : "down";
        var state = cell("");
        var badge = document.createElement("span");
        badge.className = "state " + (g.status === "UP" ? "up" : "down");
        badge.textContent = g.status;
        state.appendChild(badge);
        var d = g.details || {}, parts = [];
        if (d.leader) parts.push("leader " + d.leader);
        Object.keys(d.members || {}).forEach(function (name) {
          var m = d.members[name];
          parts.push(name + ": " + [m.status, m.role, m.lag === undefined ? "" : "lag " + m.lag].join(" ").trim());
        });
        var details = parts.join(" · ");
        tr.append(cell(g.name), state, cell(details));
        return tr;
      });
    }

    var memory = $("memory");
    memory.textContent = "";
    (s.memory || []).forEach(function (m) {
      bar(memory, m.name, m.bytes, m.limit, bytes(m.bytes) + (m.limit > 0 ? " of " + bytes(m.limit) : ""));
    });
    if (s.disk) {
      var disk = $("disk");
      disk.textContent = "";
      var used = s.disk.totalBytes - s.disk.freeBytes;
      bar(disk, "disk used", used, s.disk.totalBytes, bytes(used) + " of " + bytes(s.disk.totalBytes));
      bar(disk, "kv data (the data directory's files)", s.disk.usedBytes, 0, bytes(s.disk.usedBytes));
    }
  }

  function status(text, stale) {
    var el = $("status");
    el.textContent = text;
    el.classList.toggle("stale", stale);
  }

  function poll() {
    fetch("dashboard/snapshot", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (snapshot) {
        lastOk = Date.now();
        render(snapshot);
        status("updated " + new Date(snapshot.time).toLocaleTimeString() + " · up " + duration(snapshot.uptimeSeconds), false);
      })
      .catch(function (e) {
        if (Date.now() - lastOk > STALE_MS) status("no answer from the service (" + e.message + ")", true);
      })
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  poll();
})();
