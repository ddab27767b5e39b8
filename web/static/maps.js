// Maps beside lists: one clustered marker for each list item that has a place.
// The list is the content and the map another view of it, so a page loses nothing when the
// tiles (or this script) do not load.
(function () {
  "use strict";
  var ATHENS = [37.9838, 23.7275];

  function popupFor(label, anchor) {
    var link = document.createElement("a");
    link.href = "#" + anchor;
    link.textContent = label;  // text, never HTML: titles are written by users
    return link;
  }

  function markerFor(item) {
    var label = item.getAttribute("data-map-label");
    var marker = L.marker(
      [parseFloat(item.getAttribute("data-lat")), parseFloat(item.getAttribute("data-lon"))],
      { title: label, alt: label, keyboard: true }
    );
    marker.bindPopup(popupFor(label, item.getAttribute("data-map-anchor")));
    return marker;
  }

  function clusterIcon(labelTemplate) {
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
      var icon = L.divIcon({
        html: "<div><span>" + count + "</span></div>",
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(44, 44)
      });
      icon.komvosLabel = labelTemplate.replace("{count}", String(count));
      return icon;
    };
  }

  function nameClusters(layer) {
    // Clusters are buttons to keyboards and screen readers: give each a name.
    var icon = layer.options && layer.options.icon;
    var element = layer.getElement && layer.getElement();
    if (icon && icon.komvosLabel && element) {
      element.setAttribute("aria-label", icon.komvosLabel);
      element.setAttribute("title", icon.komvosLabel);
    }
  }

  function draw(container) {
    var list = document.getElementById(container.getAttribute("data-map-list"));
    var items = list ? list.querySelectorAll("[data-lat][data-lon]") : [];
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(container.getAttribute("data-tiles"), {
      maxZoom: 18,
      attribution: container.getAttribute("data-attribution")
    }).addTo(map);
    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: clusterIcon(container.getAttribute("data-cluster-label") || "{count}")
    });
    clusters.on("layeradd", function (event) { nameClusters(event.layer); });
    map.on("layeradd", function (event) { nameClusters(event.layer); });
    var points = [];
    Array.prototype.forEach.call(items, function (item) {
      var marker = markerFor(item);
      clusters.addLayer(marker);
      points.push(marker.getLatLng());
    });
    map.addLayer(clusters);
    if (points.length) {
      map.fitBounds(L.latLngBounds(points), { padding: [32, 32], maxZoom: 14 });
    } else {
      map.setView(ATHENS, 11);
    }
    container.setAttribute("data-markers", String(points.length));
  }

  if (!window.L || !L.markerClusterGroup) { return; }
  document.querySelectorAll("[data-map]").forEach(draw);
}());
