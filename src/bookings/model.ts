// Records kept in Redis. Personal data stays in these records (needed to reach the seeker) and
// never in logs or job payloads meant for logs; ids are opaque.

export interface Staff {
  id: string;
  name: string;
  email: string;
  active: boolean;
  zoomId: string;
  zoomPasscode: string;
  /** ISO weekday (1-7) -> ranges 'HH:mm-HH:mm' the person takes consultations; empty = office hours. */
  availability: Record<string, string[]>;
  /** JST dates 'YYYY-MM-DD'. */
  daysOff: string[];
  /** Console role: an admin also manages the roster (absent = staff). */
  role?: 'staff' | 'admin';
}

export interface Seeker {
  id: string;
  seekerNumber: string; // normalised (B6)
  name: string;
  birthdate: string;
  email: string;
  phone: string;
  lastStaffId?: string; // B9/B10 continuity
}

export type BookingStatus = 'booked' | 'attended' | 'cancelled' | 'noshow';

export interface BookingEvent {
  at: string;
  action: 'book' | 'reschedule' | 'cancel' | 'attend' | 'noshow' | 'reinstate';
  actor: string;
  sequence: number;
  note?: string;
}

export interface Booking {
  id: string;
  /** iCalendar UID: stable for the booking's whole life. */
  uid: string;
  seekerId: string;
  staffId: string;
  /** Staff member who held the booking before a reschedule moved it to another (gets a CANCEL). */
  previousStaffId?: string;
  start: string; // ISO, UTC
  end: string;
  topic: string;
  status: BookingStatus;
  /** iCalendar SEQUENCE: 0 at create, +1 on every change. */
  sequence: number;
  createdAt: string;
  leadTimeOverride?: { by: string; reason: string };
  cancel?: { channel: 'phone' | 'email' | 'noshow'; at: string };
  history: BookingEvent[];
}
