// Package geo places points in grids (网格) and checks grid polygons: an
// in-memory spatial index (an R-tree over bounding boxes, then exact
// point-in-polygon with holes), the validation that refuses bad geometry
// with a message naming the grid, and GeoJSON FeatureCollections of grids in
// and out. (The demo city's grids are laid out by package demo.)
//
// Coordinates are WGS84 longitude/latitude in degrees and all arithmetic is
// planar in those degrees (what PostGIS does for geometry(…, 4326)). That is
// exact for "which polygon holds this point"; areas and overlap fractions are
// only compared with each other, for which degrees serve at the size of a
// county.
package geo
