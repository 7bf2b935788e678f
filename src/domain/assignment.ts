// B9/B10: seekers cannot choose their staff member; the office assigns one, keeping continuity with
// the seeker's previous staff member when that person is free, else the least-loaded available one.

export interface Candidate {
  id: string;
  /** Bookings this staff member already holds (the load to even out). */
  load: number;
}

/** Staff ids in the order to try; the atomic claim in Redis takes the first still free. */
export function assignmentOrder(available: Candidate[], previousStaffId: string | undefined): string[] {
  const byLoad = [...available].sort((a, b) => a.load - b.load || a.id.localeCompare(b.id)).map((c) => c.id);
  if (previousStaffId && byLoad.includes(previousStaffId)) {
    return [previousStaffId, ...byLoad.filter((id) => id !== previousStaffId)];
  }
  return byLoad;
}
