// Package pingan holds the domain of pingan (平安), a work platform for
// city-level safety and social governance (平安建设 / 市域社会治理): units and
// their territory, users and roles, kinds and categories of cases with their
// deadline policies, cases and the append-only timeline of actions that moves
// them through one closed loop (report → register → dispatch → sign → handle →
// resolve → verify → close → rate).
//
// This package is a leaf: it imports only the standard library. The lifecycle
// rules live in package workflow, the deadline arithmetic in package calendar,
// storage in package store, the HTTP layer in package api; cmd/pingan wires them.
package pingan
